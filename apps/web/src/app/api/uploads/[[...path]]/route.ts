import { streamToApi } from "~/server/stream-to-api";

// Resumable uploads of messages (tus), streamed to the API (see server/stream-to-api.ts). Upload ids are hex.
export const dynamic = "force-dynamic";

const forward = streamToApi(/^\/api\/uploads(?:\/[A-Za-z0-9_-]{1,128})?\/?$/);

export const POST = forward;
export const PATCH = forward;
export const HEAD = forward;
export const DELETE = forward;
export const OPTIONS = forward;

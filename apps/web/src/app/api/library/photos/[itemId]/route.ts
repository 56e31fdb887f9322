import { streamToApi } from "~/server/stream-to-api";

// A Live Photo's still and clip (one multipart POST), streamed to the API (see server/stream-to-api.ts).
export const dynamic = "force-dynamic";

const forward = streamToApi(/^\/api\/library\/photos\/[0-9a-fA-F-]{36}$/);

export const POST = forward;

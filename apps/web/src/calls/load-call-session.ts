/**
 * call-session.ts (and with it livekit-client, the largest script in the app) as a separate chunk:
 * the first pages and the incoming-call screen do without it, and a call screen asks for it once it
 * is on screen. One promise per tab, so every caller shares the same download.
 */
let loading: Promise<typeof import("./call-session")> | null = null;

export function loadCallSession(): Promise<typeof import("./call-session")> {
  loading ??= import("./call-session").catch((error: unknown) => {
    loading = null; // a failed chunk load (offline) may succeed on the next try
    throw error;
  });
  return loading;
}

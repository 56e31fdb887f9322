import { authRouter } from "./routers/auth";
import { callsRouter } from "./routers/calls";
import { eventsRouter } from "./routers/events";
import { libraryRouter } from "./routers/library";
import { livePhotosRouter } from "./routers/live-photos";
import { messagesRouter } from "./routers/messages";
import { blockedRouter, contactsRouter, meRouter, usersRouter } from "./routers/people";
import { pushRouter } from "./routers/push";
import { recordingsRouter } from "./routers/recordings";
import { settingsRouter } from "./routers/settings";
import { router } from "./trpc";

export const appRouter = router({
  auth: authRouter,
  me: meRouter,
  users: usersRouter,
  contacts: contactsRouter,
  blocked: blockedRouter,
  settings: settingsRouter,
  events: eventsRouter,
  calls: callsRouter,
  messages: messagesRouter,
  library: libraryRouter,
  livePhotos: livePhotosRouter,
  recordings: recordingsRouter,
  push: pushRouter,
});

export type AppRouter = typeof appRouter;

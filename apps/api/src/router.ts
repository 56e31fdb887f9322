import { authRouter } from "./routers/auth";
import { callsRouter } from "./routers/calls";
import { eventsRouter } from "./routers/events";
import { messagesRouter } from "./routers/messages";
import { blockedRouter, contactsRouter, meRouter, usersRouter } from "./routers/people";
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
});

export type AppRouter = typeof appRouter;

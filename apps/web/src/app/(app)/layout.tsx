import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { CallEventsProvider } from "~/calls/call-events-provider";
import { IncomingCallOverlay } from "~/calls/incoming-call-overlay";
import { AppShell } from "~/components/app-shell";
import { OfflineBanner } from "~/pwa/offline-banner";
import { WarmOfflinePages } from "~/pwa/service-worker";
import { UnreachableState } from "~/components/unreachable-state";
import { isApiUnavailable } from "~/lib/trpc-errors";
import { getSession } from "~/server/auth";

export default async function AppLayout({ children }: { children: ReactNode }) {
  let session: Awaited<ReturnType<typeof getSession>>;
  try {
    session = await getSession();
  } catch (error) {
    // the API (or its database) is restarting: a calm page that retries, not an error page
    if (isApiUnavailable(error)) return <UnreachableState />;
    throw error;
  }
  if (!session) redirect("/signin");

  // Every signed-in page listens for rings, so a call can come in wherever the person is.
  return (
    <CallEventsProvider>
      <AppShell user={session.user}>
        <OfflineBanner />
        {children}
      </AppShell>
      <WarmOfflinePages />
      <IncomingCallOverlay />
    </CallEventsProvider>
  );
}

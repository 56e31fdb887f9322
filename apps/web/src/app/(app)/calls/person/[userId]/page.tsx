import type { Metadata } from "next";
import { PersonCallsView } from "~/calls/person-calls-view";

export const metadata: Metadata = { title: "Calls" };

export default async function PersonCallsPage({ params }: { params: Promise<{ userId: string }> }) {
  const { userId } = await params;
  return <PersonCallsView userId={userId} />;
}

import type { Metadata } from "next";
import { HistoryView } from "~/calls/history-view";
import { PageHeader } from "~/components/page-header";

export const metadata: Metadata = { title: "Calls" };

export default function CallsPage() {
  return (
    <>
      <PageHeader title="Calls" />
      <HistoryView />
    </>
  );
}

import type { Metadata } from "next";
import { PageHeader } from "~/components/page-header";
import { LibraryView } from "~/library/library-view";

export const metadata: Metadata = { title: "Library" };

export default function LibraryPage() {
  return (
    <>
      <PageHeader title="Library" />
      <LibraryView />
    </>
  );
}

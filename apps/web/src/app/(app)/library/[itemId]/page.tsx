import type { Metadata } from "next";
import { LibraryItemPage } from "~/library/item-view";

export const metadata: Metadata = { title: "Library" };

export default async function LibraryItemRoute({ params }: { params: Promise<{ itemId: string }> }) {
  const { itemId } = await params;
  return <LibraryItemPage itemId={itemId} />;
}

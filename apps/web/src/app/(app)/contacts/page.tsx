import type { Metadata } from "next";
import { PageHeader } from "~/components/page-header";
import { ContactsView } from "./contacts-view";

export const metadata: Metadata = { title: "Contacts" };

export default function ContactsPage() {
  return (
    <>
      <PageHeader title="Contacts" />
      <ContactsView />
    </>
  );
}

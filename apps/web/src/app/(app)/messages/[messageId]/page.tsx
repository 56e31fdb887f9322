import type { Metadata } from "next";
import { MessageView } from "~/messages/message-view";

export const metadata: Metadata = { title: "Message" };

export default async function MessagePage({ params }: { params: Promise<{ messageId: string }> }) {
  const { messageId } = await params;
  return <MessageView messageId={messageId} />;
}

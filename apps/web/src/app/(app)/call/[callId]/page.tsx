import type { Metadata } from "next";
import { CallScreen } from "~/calls/call-screen";

export const metadata: Metadata = { title: "Call" };

export default async function CallPage({
  params,
  searchParams,
}: {
  params: Promise<{ callId: string }>;
  searchParams: Promise<{ media?: string | string[] }>;
}) {
  const { callId } = await params;
  const { media } = await searchParams;
  return <CallScreen callId={callId} media={media === "audio" || media === "video" ? media : null} />;
}

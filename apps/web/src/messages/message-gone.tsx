import { MessageSquareOff } from "lucide-react";
import { GoneState } from "~/components/gone-state";

/** The not-found look for a message that does not exist, is not yours, or was just deleted. */
export function MessageGone({ title, detail }: { title: string; detail?: string }) {
  return <GoneState icon={MessageSquareOff} title={title} detail={detail} back={{ href: "/calls", label: "Calls" }} />;
}

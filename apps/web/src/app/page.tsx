import { redirect } from "next/navigation";

// Calls becomes the home screen once calling lands; until then people start from their contacts.
export default function HomePage() {
  redirect("/contacts");
}

import Link from "next/link";
import { Button } from "@ringback/ui/button";

export default function NotFound() {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-4 p-6 text-center">
      <p className="text-sm font-medium text-muted-foreground">404</p>
      <h1 className="text-2xl font-semibold tracking-tight">This page doesn’t exist</h1>
      <Button asChild>
        <Link href="/contacts">Go to Contacts</Link>
      </Button>
    </main>
  );
}

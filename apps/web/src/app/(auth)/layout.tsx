import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { Logo } from "~/components/logo";
import { ForgetOfflinePages } from "~/pwa/service-worker";
import { getSession } from "~/server/auth";

export default async function AuthLayout({ children }: { children: ReactNode }) {
  // Someone already signed in has nothing to do here.
  if (await getSession()) redirect("/contacts");

  return (
    <main className="flex min-h-dvh flex-col items-center px-4 pt-[max(3rem,env(safe-area-inset-top))] pb-10 sm:justify-center sm:pt-10">
      <ForgetOfflinePages />
      <div className="w-full max-w-sm">
        <div className="mb-8 flex justify-center">
          <Logo />
        </div>
        {children}
      </div>
    </main>
  );
}

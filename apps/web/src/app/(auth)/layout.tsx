import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { Logo } from "~/components/logo";
import { ForgetOfflinePages } from "~/pwa/service-worker";
import { isApiUnavailable } from "~/lib/trpc-errors";
import { getSession } from "~/server/auth";

export default async function AuthLayout({ children }: { children: ReactNode }) {
  // Someone already signed in has nothing to do here. While the API cannot answer, nobody can be
  // told apart: the form shows, and signing in says what is wrong.
  if (await getSession().catch((error: unknown) => (isApiUnavailable(error) ? null : Promise.reject(error)))) redirect("/contacts");

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

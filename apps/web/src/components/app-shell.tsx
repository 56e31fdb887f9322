"use client";

import { useQuery } from "@tanstack/react-query";
import { Images, Phone, Settings, Users, type LucideIcon } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { Avatar } from "@ringback/ui/avatar";
import { cn } from "@ringback/ui/cn";
import { MissedCallsBadge } from "~/calls/missed-badge";
import { useTRPC } from "~/trpc/react";
import { Logo } from "./logo";
import { SignOutButton } from "./sign-out-button";

type NavItem = { href: string; label: string; icon: LucideIcon };

const NAV: ReadonlyArray<NavItem> = [
  { href: "/calls", label: "Calls", icon: Phone },
  { href: "/contacts", label: "Contacts", icon: Users },
  { href: "/library", label: "Library", icon: Images },
  { href: "/settings", label: "Settings", icon: Settings },
];

export type ShellUser = { id: string; handle: string; name: string };

export function AppShell({ user, children }: { user: ShellUser; children: ReactNode }) {
  const pathname = usePathname();
  const trpc = useTRPC();
  // The session token keeps the name from sign-in; the API has the current one after a profile edit.
  const me = useQuery(trpc.me.get.queryOptions());
  const name = me.data?.displayName ?? user.name;
  const handle = me.data?.handle ?? user.handle;

  // a message page belongs to Calls (it is reached from the call history)
  const isActive = (href: string) =>
    pathname === href || pathname.startsWith(`${href}/`) || (href === "/calls" && pathname.startsWith("/messages/"));
  // a message page gets room for its video, the Library for its grid and photos
  const wide = pathname.startsWith("/messages/") || pathname === "/library" || pathname.startsWith("/library/");

  return (
    <div className="min-h-dvh md:grid md:grid-cols-[15rem_1fr]">
      <aside className="sticky top-0 hidden h-dvh flex-col border-r border-border bg-card/60 px-3 py-5 backdrop-blur md:flex">
        <div className="px-3 pb-6">
          <Logo />
        </div>
        <nav aria-label="Main" className="flex flex-col gap-1">
          {NAV.map((item) => {
            const active = isActive(item.href);
            return (
              <Link
                key={item.href}
                href={item.href}
                aria-current={active ? "page" : undefined}
                className={cn(
                  "flex items-center gap-3 rounded-xl px-3 py-2.5 text-[15px] font-medium transition-colors outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50",
                  active ? "bg-primary/12 text-primary" : "text-foreground/80 hover:bg-accent hover:text-foreground",
                )}
              >
                <item.icon className="size-[18px]" aria-hidden="true" />
                {item.label}
                {item.href === "/calls" ? <MissedCallsBadge className="ml-auto" /> : null}
              </Link>
            );
          })}
        </nav>
        <div className="mt-auto flex flex-col gap-3 border-t border-border px-1 pt-4">
          <div className="flex min-w-0 items-center gap-3 px-2">
            <Avatar id={user.id} name={name} size="sm" />
            <div className="min-w-0">
              <p className="truncate text-sm font-medium">{name}</p>
              <p className="truncate text-xs text-muted-foreground">@{handle}</p>
            </div>
          </div>
          <SignOutButton variant="ghost" className="justify-start px-3" />
        </div>
      </aside>

      <div className="flex min-h-dvh min-w-0 flex-col">
        <div className={cn("mx-auto w-full flex-1 px-4", wide ? "max-w-4xl" : "max-w-2xl", "pt-[max(1.25rem,env(safe-area-inset-top))] pb-28 md:px-8 md:pt-10 md:pb-12")}>
          {children}
        </div>
      </div>

      <nav
        aria-label="Main"
        className="fixed inset-x-0 bottom-0 z-40 border-t border-border bg-card/85 pb-[env(safe-area-inset-bottom)] backdrop-blur-lg md:hidden"
      >
        <ul className="mx-auto grid max-w-md grid-cols-4">
          {NAV.map((item) => {
            const active = isActive(item.href);
            return (
              <li key={item.href}>
                <Link
                  href={item.href}
                  aria-current={active ? "page" : undefined}
                  className={cn(
                    "flex flex-col items-center gap-1 pt-2.5 pb-2 text-[11px] font-medium outline-none focus-visible:bg-accent",
                    active ? "text-primary" : "text-muted-foreground",
                  )}
                >
                  <span className="relative">
                    <item.icon className="size-6" strokeWidth={active ? 2.25 : 1.75} aria-hidden="true" />
                    {item.href === "/calls" ? <MissedCallsBadge className="absolute -top-1.5 -right-2.5" /> : null}
                  </span>
                  {item.label}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
    </div>
  );
}

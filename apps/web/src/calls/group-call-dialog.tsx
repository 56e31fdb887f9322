"use client";

import { useQuery } from "@tanstack/react-query";
import { Phone, Users, Video, X } from "lucide-react";
import { useEffect, useId, useRef, useState } from "react";
import { Avatar } from "@ringback/ui/avatar";
import { Button } from "@ringback/ui/button";
import { cn } from "@ringback/ui/cn";
import { MAX_CALLEES } from "@ringback/core/schemas";
import { useTRPC } from "~/trpc/react";
import { useStartCall } from "./use-start-call";

const MAX_PEOPLE = MAX_CALLEES;

/** "Call several": pick contacts, then ring them all at once. */
export function GroupCallButton({ className }: { className?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="secondary" size="sm" className={className} onClick={() => setOpen(true)}>
        <Users aria-hidden="true" />
        Call several
      </Button>
      {open ? <GroupCallDialog onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function GroupCallDialog({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const contacts = useQuery(trpc.contacts.list.queryOptions());
  const [picked, setPicked] = useState<ReadonlyArray<string>>([]);
  const { start, isPending } = useStartCall();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  const toggle = (id: string) =>
    setPicked((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : ids.length >= MAX_PEOPLE ? ids : [...ids, id]));

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      onClick={(event) => {
        if (event.target === event.currentTarget) ref.current?.close();
      }}
      className="m-auto w-[calc(100%-2rem)] max-w-md rounded-3xl border border-border bg-card p-0 text-card-foreground shadow-2xl backdrop:bg-black/40"
    >
      <div className="flex items-center justify-between px-5 pt-5">
        <h2 id={titleId} className="text-lg font-semibold">
          Call several people
        </h2>
        <Button variant="ghost" size="icon-sm" aria-label="Close" onClick={() => ref.current?.close()}>
          <X aria-hidden="true" />
        </Button>
      </div>
      <p className="px-5 pt-1 text-sm text-muted-foreground">Choose up to {MAX_PEOPLE} contacts. Everyone rings at once.</p>
      <fieldset className="mt-3 max-h-[50dvh] overflow-y-auto border-y border-border">
        <legend className="sr-only">Contacts to call</legend>
        {contacts.isPending ? (
          <p className="px-5 py-6 text-sm text-muted-foreground">Loading contacts…</p>
        ) : !contacts.data || contacts.data.length === 0 ? (
          <p className="px-5 py-6 text-sm text-muted-foreground">Add contacts first, then call them together.</p>
        ) : (
          <ul className="divide-y divide-border">
            {contacts.data.map((c) => {
              const checked = picked.includes(c.userId);
              return (
                <li key={c.userId}>
                  <label className={cn("flex cursor-pointer items-center gap-3 px-5 py-2.5", checked && "bg-primary/8")}>
                    <input
                      type="checkbox"
                      className="size-4 accent-[var(--primary)]"
                      checked={checked}
                      onChange={() => toggle(c.userId)}
                    />
                    <Avatar id={c.userId} name={c.displayName} size="sm" />
                    <span className="min-w-0 flex-1 truncate text-[15px]">{c.displayName}</span>
                  </label>
                </li>
              );
            })}
          </ul>
        )}
      </fieldset>
      <div className="flex items-center justify-end gap-2 px-5 py-4">
        <Button variant="outline" disabled={picked.length === 0 || isPending} onClick={() => start([...picked], "audio")}>
          <Phone aria-hidden="true" />
          Audio
        </Button>
        <Button disabled={picked.length === 0 || isPending} onClick={() => start([...picked], "video")}>
          <Video aria-hidden="true" />
          Video
        </Button>
      </div>
    </dialog>
  );
}

"use client";

import { useQuery } from "@tanstack/react-query";
import { Phone, Users, Video } from "lucide-react";
import { useState } from "react";
import { Avatar } from "@ringback/ui/avatar";
import { Button } from "@ringback/ui/button";
import { cn } from "@ringback/ui/cn";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@ringback/ui/dialog";
import { QueryState } from "@ringback/ui/query-state";
import { MAX_CALLEES } from "@ringback/core/schemas";
import { errorMessage } from "~/lib/trpc-errors";
import { useTRPC } from "~/trpc/react";
import { useStartCall } from "./use-start-call";

/** "Call several": pick contacts, then ring them all at once. */
export function GroupCallButton({ className }: { className?: string }) {
  return (
    <Dialog>
      <DialogTrigger asChild>
        <Button variant="secondary" size="sm" className={className}>
          <Users aria-hidden="true" />
          Call several
        </Button>
      </DialogTrigger>
      <DialogContent>
        {/* Mounted only while open, so every opening starts with nobody picked. */}
        <GroupPicker />
      </DialogContent>
    </Dialog>
  );
}

/*
 * A selection, not a form with fields to validate: the one rule (1 to MAX_CALLEES people) is kept by
 * disabling the other boxes at the limit and the call buttons at zero, so react-hook-form would add
 * nothing here.
 */
function GroupPicker() {
  const trpc = useTRPC();
  const contacts = useQuery(trpc.contacts.list.queryOptions());
  const [picked, setPicked] = useState<ReadonlyArray<string>>([]);
  const { start, isPending, offline } = useStartCall();
  const full = picked.length >= MAX_CALLEES;

  const toggle = (id: string) => setPicked((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id]));

  return (
    <>
      <DialogHeader className="pr-12">
        <DialogTitle>Call several people</DialogTitle>
        <DialogDescription>Choose up to {MAX_CALLEES} contacts. Everyone rings at once.</DialogDescription>
      </DialogHeader>
      <fieldset className="mt-4 min-h-0 flex-1 overflow-y-auto border-y border-border">
        <legend className="sr-only">Contacts to call</legend>
        <QueryState
          query={contacts}
          loadingLabel="Loading contacts…"
          errorText={(error) => errorMessage(error, "Your contacts couldn’t be loaded. Please try again.")}
          retry
          isEmpty={(list) => list.length === 0}
          empty={<p className="px-6 py-6 text-sm text-muted-foreground">Add contacts first, then call them together.</p>}
        >
          {(list) => (
            <ul className="divide-y divide-border">
              {list.map((c) => {
                const checked = picked.includes(c.userId);
                const disabled = !checked && full;
                return (
                  <li key={c.userId}>
                    <label
                      className={cn(
                        "flex items-center gap-3 px-6 py-2.5",
                        checked && "bg-primary/8",
                        disabled ? "cursor-not-allowed opacity-50" : "cursor-pointer hover:bg-accent/60",
                      )}
                    >
                      <input
                        type="checkbox"
                        className="size-4 accent-[var(--primary)]"
                        checked={checked}
                        disabled={disabled}
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
        </QueryState>
      </fieldset>
      <DialogFooter className="flex-col sm:items-center sm:justify-between">
        <p aria-live="polite" className="text-sm text-muted-foreground max-sm:text-center">
          {picked.length === 0 ? "Nobody chosen yet" : `${picked.length} of ${MAX_CALLEES} chosen`}
        </p>
        <div className="grid grid-cols-2 gap-2 max-sm:w-full sm:flex">
          <Button variant="outline" disabled={picked.length === 0 || isPending || offline} onClick={() => start([...picked], "audio")}>
            <Phone aria-hidden="true" />
            Audio call
          </Button>
          <Button disabled={picked.length === 0 || isPending || offline} onClick={() => start([...picked], "video")}>
            <Video aria-hidden="true" />
            Video call
          </Button>
        </div>
      </DialogFooter>
    </>
  );
}

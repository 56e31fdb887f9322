"use client";

import { useQuery } from "@tanstack/react-query";
import { ChevronDown, Loader2 } from "lucide-react";
import { zodResolver } from "@hookform/resolvers/zod";
import { useId, type ReactNode } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { RING_TIMEOUT_MAX_SECONDS, RING_TIMEOUT_MIN_SECONDS } from "@ringback/core/settings";
import { displayNameSchema } from "@ringback/core/schemas";
import { Avatar } from "@ringback/ui/avatar";
import { Button } from "@ringback/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@ringback/ui/card";
import { Input } from "@ringback/ui/input";
import { Label } from "@ringback/ui/label";
import { Switch } from "@ringback/ui/switch";
import { FieldError } from "~/components/field-error";
import { errorMessage } from "~/lib/trpc-errors";
import { NotificationsSection } from "~/push/notifications-section";
import { useTRPC } from "~/trpc/react";
import { AccountSection } from "./account-section";
import { BlockedSection } from "./blocked-section";
import { useSaveSettings, type SettingsPatch } from "./use-save-settings";

const RING_TIMEOUT_CHOICES = Array.from(
  { length: (RING_TIMEOUT_MAX_SECONDS - RING_TIMEOUT_MIN_SECONDS) / 5 + 1 },
  (_, i) => RING_TIMEOUT_MIN_SECONDS + i * 5,
);

export function SettingsView() {
  const trpc = useTRPC();
  const settings = useQuery(trpc.settings.get.queryOptions());
  const me = useQuery(trpc.me.get.queryOptions());
  const { save } = useSaveSettings();

  if (settings.isPending) {
    return (
      <p className="flex items-center gap-2 py-10 text-sm text-muted-foreground">
        <Loader2 className="size-4 animate-spin" aria-hidden="true" /> Loading your settings…
      </p>
    );
  }
  if (settings.isError) {
    return (
      <Card role="alert" className="flex flex-col items-start gap-3 p-5 text-sm">
        <p className="text-destructive">
          {errorMessage(settings.error, "Your settings couldn’t be loaded. Please try again.")}
        </p>
        <Button variant="outline" size="sm" onClick={() => settings.refetch()}>
          Try again
        </Button>
      </Card>
    );
  }

  const s = settings.data;
  const toggle = (key: keyof Omit<SettingsPatch, "displayName" | "ringTimeoutSeconds">, label: string) => ({
    checked: s[key] === true,
    onCheckedChange: (checked: boolean) => save({ [key]: checked }, `${label} ${checked ? "on" : "off"}`),
  });

  return (
    <div className="flex flex-col gap-6">
      <ProfileSection
        key={s.displayName}
        userId={me.data?.id ?? ""}
        handle={me.data?.handle}
        displayName={s.displayName}
        onSave={(displayName) => save({ displayName }, "Display name saved")}
      />

      <Card>
        <CardHeader>
          <CardTitle>Calls</CardTitle>
          <CardDescription>Choose when and how Ringback rings you.</CardDescription>
        </CardHeader>
        <ul className="mt-3 divide-y divide-border">
          <SwitchRow
            label="Accept calls"
            description="When off, you appear unavailable and calls to you don’t ring."
            {...toggle("acceptCalls", "Accept calls")}
          />
          <SettingRow
            label="Ring timeout"
            description="How long a call rings before it counts as missed."
            control={(id, describedBy) => (
              <div className="relative">
                <select
                  id={id}
                  aria-describedby={describedBy}
                  value={s.ringTimeoutSeconds}
                  onChange={(event) => {
                    const seconds = Number(event.target.value);
                    save({ ringTimeoutSeconds: seconds }, `Calls ring for ${seconds} seconds`);
                  }}
                  className="h-9 appearance-none rounded-full border border-input bg-card pr-8 pl-3.5 text-sm font-medium shadow-xs outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
                >
                  {RING_TIMEOUT_CHOICES.map((seconds) => (
                    <option key={seconds} value={seconds}>
                      {seconds} seconds
                    </option>
                  ))}
                </select>
                <ChevronDown
                  className="pointer-events-none absolute top-1/2 right-2.5 size-4 -translate-y-1/2 text-muted-foreground"
                  aria-hidden="true"
                />
              </div>
            )}
          />
          <SwitchRow
            label="Silence unknown callers"
            description="People who aren’t in your contacts and haven’t called with you won’t ring. It looks to them as if you didn’t answer."
            {...toggle("silenceUnknownCallers", "Silence unknown callers")}
          />
          <SwitchRow
            label="Accept messages"
            description="When off, people who call you can’t leave video messages or voicemails."
            {...toggle("acceptMessages", "Accept messages")}
          />
          <SwitchRow
            label="Live Voicemail"
            description="Read a voicemail as it is being left, and pick up if you want to."
            {...toggle("liveVoicemail", "Live Voicemail")}
          />
        </ul>
      </Card>

      <NotificationsSection />

      <Card>
        <CardHeader>
          <CardTitle>Privacy</CardTitle>
          <CardDescription>Everyone on a call is always told when a photo or recording is taken.</CardDescription>
        </CardHeader>
        <ul className="mt-3 divide-y divide-border">
          <SwitchRow
            label="Allow Live Photos"
            description="Lets you and others take Live Photos during video calls. When off, no one can take one of you, and you can’t take one. The person in the photo is told."
            {...toggle("allowLivePhotos", "Live Photos")}
          />
          <SwitchRow
            label="Allow others to record calls with me"
            description="Lets you and others record calls you are on. When off, no one can record a call you are on, you included. Everyone is told when a recording starts."
            {...toggle("allowRecording", "Call recording")}
          />
          <SwitchRow
            label="Let people find me by email"
            description="When off, searching your exact email address finds no one. People can still find you by name or @handle."
            {...toggle("discoverableByEmail", "Find me by email")}
          />
        </ul>
      </Card>

      <BlockedSection />

      <AccountSection email={me.data?.email} hasPassword={me.data?.hasPassword ?? false} />
    </div>
  );
}

const profileForm = z.object({ displayName: displayNameSchema });

function ProfileSection({
  userId,
  handle,
  displayName,
  onSave,
}: {
  userId: string;
  handle: string | undefined;
  displayName: string;
  onSave: (displayName: string) => void;
}) {
  const form = useForm({ resolver: zodResolver(profileForm), defaultValues: { displayName } });
  const value = form.watch("displayName");
  const inputId = useId();
  const changed = value.trim() !== displayName;
  const onSubmit = form.handleSubmit(({ displayName: next }) => onSave(next));
  const error = form.formState.errors.displayName?.message;
  const errorId = `${inputId}-error`;

  return (
    <Card>
      <CardHeader>
        <CardTitle>Profile</CardTitle>
      </CardHeader>
      <CardContent>
        <div className="mb-5 flex items-center gap-4">
          <Avatar id={userId} name={value.trim() || displayName} size="lg" />
          <div className="min-w-0">
            <p className="truncate text-lg font-semibold">{value.trim() || displayName}</p>
            {handle ? <p className="truncate text-sm text-muted-foreground">@{handle}</p> : null}
          </div>
        </div>
        <form onSubmit={onSubmit} noValidate className="flex flex-col gap-2">
          <Label htmlFor={inputId}>Display name</Label>
          <div className="flex gap-2">
            <Input
              id={inputId}
              autoComplete="name"
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? errorId : undefined}
              {...form.register("displayName")}
            />
            <Button type="submit" disabled={!changed} className="h-11">
              Save
            </Button>
          </div>
          <FieldError id={errorId} message={error} />
        </form>
      </CardContent>
    </Card>
  );
}

function SettingRow({
  label,
  description,
  control,
}: {
  label: string;
  description: string;
  control: (id: string, describedBy: string) => ReactNode;
}) {
  const id = useId();
  const descriptionId = useId();
  return (
    <li className="flex items-center justify-between gap-4 px-5 py-4">
      <div className="min-w-0">
        <Label htmlFor={id} className="text-[15px]">
          {label}
        </Label>
        <p id={descriptionId} className="mt-1 text-[13px] leading-snug text-muted-foreground">
          {description}
        </p>
      </div>
      {control(id, descriptionId)}
    </li>
  );
}

function SwitchRow({
  label,
  description,
  checked,
  onCheckedChange,
}: {
  label: string;
  description: string;
  checked: boolean;
  onCheckedChange: (checked: boolean) => void;
}) {
  return (
    <SettingRow
      label={label}
      description={description}
      control={(id, describedBy) => (
        <Switch id={id} aria-describedby={describedBy} checked={checked} onCheckedChange={onCheckedChange} />
      )}
    />
  );
}

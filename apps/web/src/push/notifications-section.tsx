"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Bell, BellOff, BellRing, Loader2, Monitor, Smartphone, Trash2 } from "lucide-react";
import { useEffect, useId, useState, type ReactNode } from "react";
import { toast } from "~/components/toasts";
import { deviceLabel, type PushDeviceView } from "@ringback/core/push";
import { Button } from "@ringback/ui/button";
import { Card, CardDescription, CardHeader, CardTitle } from "@ringback/ui/card";
import { QueryState } from "@ringback/ui/query-state";
import { errorMessage } from "~/lib/trpc-errors";
import { useTRPC } from "~/trpc/react";
import {
  currentSubscription,
  pushPermission,
  pushSupport,
  PushSetupError,
  subscribeThisDevice,
  unsubscribeThisDevice,
  type PushSupport,
} from "./push-device";
import { notificationsState } from "./notifications-state";

/** What this browser can do, read once it runs (the server render knows nothing of it). */
type Local = { support: PushSupport; permission: NotificationPermission; subscribed: boolean };

/** Settings → Notifications on this device: turn Web Push on or off here, and the devices that get it. */
export function NotificationsSection() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const publicKey = useQuery(trpc.push.publicKey.queryOptions());
  const devices = useQuery(trpc.push.list.queryOptions());
  const [local, setLocal] = useState<Local | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const headingId = useId();
  const problemId = useId();
  const subscribe = useMutation(trpc.push.subscribe.mutationOptions());
  const removeCurrent = useMutation(trpc.push.removeCurrent.mutationOptions());

  const readLocal = async () => {
    const support = pushSupport();
    const subscribed = support.ok ? Boolean(await currentSubscription().catch(() => null)) : false;
    setLocal({ support, permission: support.ok ? pushPermission() : "default", subscribed });
  };
  useEffect(() => {
    void readLocal();
  }, []);

  const refreshDevices = () => queryClient.invalidateQueries({ queryKey: trpc.push.list.queryKey() });

  const turnOn = async (key: string) => {
    setProblem(null);
    setBusy(true);
    try {
      const subscription = await subscribeThisDevice(key);
      await subscribe.mutateAsync({ ...subscription, label: deviceLabel(navigator.userAgent) });
      toast.success("Notifications are on for this device.");
    } catch (error) {
      setProblem(error instanceof PushSetupError ? error.message : errorMessage(error, "Notifications couldn’t be turned on. Please try again."));
    } finally {
      setBusy(false);
      await readLocal();
      await refreshDevices();
    }
  };

  const turnOff = async () => {
    setProblem(null);
    setBusy(true);
    try {
      await removeCurrent.mutateAsync();
      await unsubscribeThisDevice().catch(() => {});
      toast.success("Notifications are off for this device.");
    } catch (error) {
      setProblem(errorMessage(error, "Notifications couldn’t be turned off. Please try again."));
    } finally {
      setBusy(false);
      await readLocal();
      await refreshDevices();
    }
  };

  const onDeviceRemoved = async (wasCurrent: boolean) => {
    // removing this device from the list turns it off here too
    if (wasCurrent) await unsubscribeThisDevice().catch(() => {});
    await readLocal();
    await refreshDevices();
  };

  const state = notificationsState({
    local,
    publicKey: publicKey.isPending
      ? { status: "pending" }
      : publicKey.isError
        ? { status: "error", error: publicKey.error }
        : { status: "ready", key: publicKey.data.publicKey },
    currentOnServer: devices.data?.some((d) => d.current) ?? false,
  });

  let status: ReactNode;
  switch (state.kind) {
    case "checking":
      status = <StatusLine icon={<Loader2 className="animate-spin" />} title="Checking this browser…" />;
      break;
    case "unsupported":
      status = <StatusLine icon={<BellOff />} title="This browser can’t receive notifications" detail={unsupportedDetail(state.reason)} />;
      break;
    case "unknown":
      status = <StatusLine icon={<BellOff />} title="Notifications couldn’t be checked" detail={errorMessage(state.error)} />;
      break;
    case "server-off":
      status = (
        <StatusLine
          icon={<BellOff />}
          title="Push isn’t set up on this server"
          detail="Whoever runs this Ringback can turn it on with a VAPID key pair (VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY)."
        />
      );
      break;
    case "blocked":
      status = (
        <StatusLine
          icon={<BellOff />}
          title="Blocked in browser settings"
          detail="Allow notifications for this site in your browser’s site settings, then reload this page."
        />
      );
      break;
    case "on":
    case "off": {
      const on = state.kind === "on";
      const key = publicKey.data?.publicKey ?? "";
      status = (
        <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
          <StatusLine
            icon={on ? <BellRing className="text-primary" /> : <Bell />}
            title={on ? "On for this device" : "Off for this device"}
            detail={
              on
                ? "Calls and new messages reach this device even when Ringback isn’t open."
                : "Get calls and new messages on this device even when Ringback isn’t open."
            }
          />
          {on ? (
            <Button variant="outline" className="shrink-0 self-start sm:self-center" disabled={busy} onClick={() => void turnOff()}>
              {busy ? <Loader2 className="animate-spin" aria-hidden="true" /> : <BellOff aria-hidden="true" />}
              Turn off
            </Button>
          ) : (
            <Button
              className="shrink-0 self-start sm:self-center"
              disabled={busy}
              aria-describedby={problem ? problemId : undefined}
              onClick={() => void turnOn(key)}
            >
              {busy ? <Loader2 className="animate-spin" aria-hidden="true" /> : <Bell aria-hidden="true" />}
              Turn on
            </Button>
          )}
        </div>
      );
      break;
    }
    default: {
      const _exhaustive: never = state;
      status = _exhaustive;
    }
  }

  return (
    <Card aria-labelledby={headingId}>
      <CardHeader>
        <CardTitle id={headingId}>Notifications on this device</CardTitle>
        <CardDescription>Rings and messages as system notifications, also when no Ringback tab is open.</CardDescription>
      </CardHeader>
      <div className="px-5 pt-4 pb-5">
        {status}
        <div role="alert" aria-live="polite">
          {problem ? (
            <p id={problemId} className="mt-3 rounded-xl border border-destructive/30 bg-destructive/5 px-3.5 py-2.5 text-[13px] leading-snug text-destructive">
              {problem}
            </p>
          ) : null}
        </div>
      </div>
      <DeviceList devices={devices} onRemoved={onDeviceRemoved} />
    </Card>
  );
}

function unsupportedDetail(reason: "insecure" | "unsupported" | "ios-not-installed"): string {
  switch (reason) {
    case "insecure":
      return "Notifications need Ringback to be opened over a secure (https) address.";
    case "ios-not-installed":
      return "On iPhone and iPad, add Ringback to your Home Screen (Share, then Add to Home Screen) and turn notifications on there.";
    case "unsupported":
      return "Try a current version of Chrome, Edge, Firefox or Safari.";
    default: {
      const _exhaustive: never = reason;
      return _exhaustive;
    }
  }
}

function StatusLine({ icon, title, detail }: { icon: ReactNode; title: string; detail?: string }) {
  return (
    <div className="flex min-w-0 items-start gap-3">
      <span className="mt-0.5 flex size-5 shrink-0 items-center justify-center text-muted-foreground [&_svg]:size-5" aria-hidden="true">
        {icon}
      </span>
      <div className="min-w-0">
        <p className="text-[15px] font-medium">{title}</p>
        {detail ? <p className="mt-1 text-[13px] leading-snug text-muted-foreground">{detail}</p> : null}
      </div>
    </div>
  );
}

const dayFormat = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric" });

function usedLine(device: PushDeviceView): string {
  const added = `Added ${dayFormat.format(device.createdAt)}`;
  return device.lastUsedAt ? `${added} · last notified ${dayFormat.format(device.lastUsedAt)}` : `${added} · no notifications yet`;
}

function DeviceList({
  devices,
  onRemoved,
}: {
  devices: { isPending: boolean; isError: boolean; error: unknown; data: PushDeviceView[] | undefined; refetch: () => unknown };
  onRemoved: (wasCurrent: boolean) => Promise<void>;
}) {
  const trpc = useTRPC();
  const remove = useMutation(trpc.push.remove.mutationOptions());
  const listId = useId();

  return (
    <div className="border-t border-border">
      <h3 id={listId} className="px-5 pt-4 text-[13px] font-semibold tracking-wide text-muted-foreground uppercase">
        Devices that get notifications
      </h3>
      <QueryState
        query={devices}
        className="py-4"
        errorText={(error) => errorMessage(error, "Your devices couldn’t be loaded.")}
        retry
        isEmpty={(list) => list.length === 0}
        empty={<p className="px-5 pt-2 pb-5 text-sm text-muted-foreground">No device gets notifications yet.</p>}
      >
        {(list) => (
          <ul aria-labelledby={listId} className="mt-2 divide-y divide-border">
            {list.map((device) => {
              const Icon = /Android|iOS/.test(device.label) ? Smartphone : Monitor;
              return (
                <li key={device.id} className="flex items-center gap-3 px-5 py-3">
                  <Icon className="size-5 shrink-0 text-muted-foreground" aria-hidden="true" />
                  <div className="min-w-0 flex-1">
                    <p className="flex flex-wrap items-center gap-x-2 gap-y-0.5 text-[15px] font-medium">
                      <span className="truncate">{device.label}</span>
                      {device.current ? (
                        <span className="rounded-full bg-primary/10 px-2 py-0.5 text-[11px] font-semibold text-primary">This device</span>
                      ) : null}
                    </p>
                    <p className="mt-0.5 text-[13px] text-muted-foreground">{usedLine(device)}</p>
                  </div>
                  <Button
                    variant="ghost"
                    size="sm"
                    className="shrink-0 text-destructive"
                    aria-label={`Remove ${device.label}${device.current ? " (this device)" : ""}`}
                    disabled={remove.isPending && remove.variables.id === device.id}
                    onClick={() =>
                      remove.mutate(
                        { id: device.id },
                        {
                          onSuccess: () => {
                            toast.success(`${device.label} won’t get notifications any more.`);
                            void onRemoved(device.current);
                          },
                          onError: (error) => toast.error(errorMessage(error, "That device couldn’t be removed. Please try again.")),
                        },
                      )
                    }
                  >
                    <Trash2 aria-hidden="true" />
                    <span className="max-sm:sr-only">Remove</span>
                  </Button>
                </li>
              );
            })}
          </ul>
        )}
      </QueryState>
    </div>
  );
}

"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { inferRouterInputs } from "@trpc/server";
import { toast } from "~/components/toasts";
import type { AppRouter } from "@ringback/api/router";
import { errorMessage } from "~/lib/trpc-errors";
import { useTRPC } from "~/trpc/react";

export type SettingsPatch = inferRouterInputs<AppRouter>["settings"]["update"];

/**
 * Saves one change at a time. Switches move immediately (optimistic) and snap back with a readable
 * toast if the server refuses, so the screen never shows a value that was not saved.
 */
export function useSaveSettings() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settingsKey = trpc.settings.get.queryKey();

  const mutation = useMutation(
    trpc.settings.update.mutationOptions({
      onMutate: async (patch) => {
        await queryClient.cancelQueries({ queryKey: settingsKey });
        const previous = queryClient.getQueryData(settingsKey);
        if (previous) queryClient.setQueryData(settingsKey, { ...previous, ...patch });
        return { previous };
      },
      onError: (error, _patch, context) => {
        if (context?.previous) queryClient.setQueryData(settingsKey, context.previous);
        toast.error(errorMessage(error, "Your change wasn’t saved. Please try again."));
      },
      onSuccess: (settings) => {
        queryClient.setQueryData(settingsKey, settings);
      },
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.me.pathKey() }),
    }),
  );

  function save(patch: SettingsPatch, successMessage: string) {
    mutation.mutate(patch, { onSuccess: () => toast.success(successMessage, { id: "settings-saved" }) });
  }

  return { save, mutation };
}

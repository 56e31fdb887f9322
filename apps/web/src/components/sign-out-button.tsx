"use client";

import { useQueryClient } from "@tanstack/react-query";
import { LogOut } from "lucide-react";
import { signOut } from "~/lib/auth-client";
import { useState } from "react";
import { Button, type ButtonProps } from "@ringback/ui/button";

export function SignOutButton({ variant = "outline", className }: Pick<ButtonProps, "variant" | "className">) {
  const queryClient = useQueryClient();
  const [pending, setPending] = useState(false);
  return (
    <Button
      variant={variant}
      className={className}
      disabled={pending}
      onClick={async () => {
        setPending(true);
        // Nothing of this person's data may show to whoever signs in next on this tab.
        queryClient.clear();
        await signOut("/signin");
      }}
    >
      <LogOut aria-hidden="true" />
      Sign out
    </Button>
  );
}

import { Loader2 } from "lucide-react";
import { Button, type ButtonProps } from "@ringback/ui/button";

/** A form's submit button: disabled with a spinner while the form is submitting, its name unchanged. */
export function SubmitButton({ pending, children, ...button }: Omit<ButtonProps, "type" | "disabled" | "asChild"> & { pending: boolean }) {
  return (
    <Button type="submit" disabled={pending} {...button}>
      {pending ? <Loader2 className="animate-spin" aria-hidden="true" /> : null}
      {children}
    </Button>
  );
}

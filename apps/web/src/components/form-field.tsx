import type { ComponentProps, ReactNode } from "react";
import { Input } from "@ringback/ui/input";
import { Label } from "@ringback/ui/label";
import { FieldError } from "./field-error";

type Props = ComponentProps<"input"> & {
  id: string;
  label: string;
  /** the field's error, shown under it and announced with it */
  error?: string;
  /** a quiet help line, shown while there is no error */
  hint?: string;
  /** something drawn inside the field before the text, e.g. "@" */
  prefix?: ReactNode;
};

/** A labelled input whose error is tied to it (aria-invalid, aria-describedby), for react-hook-form. */
export function FormField({ id, label, error, hint, prefix, className, ...input }: Props) {
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = error ? errorId : hint ? hintId : undefined;
  const field = (
    <Input
      id={id}
      aria-invalid={error ? true : undefined}
      aria-describedby={describedBy}
      className={prefix ? `pl-8 ${className ?? ""}` : className}
      {...input}
    />
  );
  return (
    <div className="flex flex-col gap-2">
      <Label htmlFor={id}>{label}</Label>
      {prefix ? (
        <div className="relative">
          <span aria-hidden="true" className="pointer-events-none absolute inset-y-0 left-3.5 flex items-center text-muted-foreground">
            {prefix}
          </span>
          {field}
        </div>
      ) : (
        field
      )}
      {error ? (
        <FieldError id={errorId} message={error} />
      ) : hint ? (
        <p id={hintId} className="text-[13px] text-muted-foreground">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

import type { LucideIcon } from "lucide-react";
import type { ReactNode } from "react";
import { cn } from "@ringback/ui/cn";

export function EmptyState({
  icon: Icon,
  title,
  children,
  className,
}: {
  icon: LucideIcon;
  title: string;
  children?: ReactNode;
  className?: string;
}) {
  return (
    <div className={cn("flex flex-col items-center px-6 py-12 text-center", className)}>
      <span className="mb-4 inline-flex size-14 items-center justify-center rounded-full bg-muted text-muted-foreground">
        <Icon className="size-7" aria-hidden="true" />
      </span>
      <p className="text-base font-semibold">{title}</p>
      {children ? <div className="mt-1 max-w-xs text-sm text-muted-foreground">{children}</div> : null}
    </div>
  );
}

"use client";

import { RotateCcw, TriangleAlert } from "lucide-react";
import { Button } from "@ringback/ui/button";
import { Card } from "@ringback/ui/card";
import { EmptyState } from "~/components/empty-state";

export default function AppError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <Card className="mt-4">
      <EmptyState icon={TriangleAlert} title="Something went wrong on this page">
        <p>It’s not you. Try again, and if it keeps happening, reload the page.</p>
        <Button variant="secondary" className="mt-5" onClick={reset}>
          <RotateCcw aria-hidden="true" />
          Try again
        </Button>
      </EmptyState>
    </Card>
  );
}

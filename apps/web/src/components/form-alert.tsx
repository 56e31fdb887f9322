import { FieldError } from "./field-error";

/**
 * The form-level error (`errors.root`), under the fields and above the submit button. The live
 * region is always in the page, so a message that appears later is announced; while empty it
 * takes back the form's gap so nothing shifts.
 */
export function FormAlert({ id, message }: { id: string; message: string | undefined }) {
  return (
    <div role="alert" aria-live="polite" className="empty:-mt-4">
      <FieldError id={id} message={message} />
    </div>
  );
}

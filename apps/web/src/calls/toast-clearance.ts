import { useEffect, type RefObject } from "react";

/** Read by the Toaster's bottom offset (app/layout.tsx); unset, toasts sit at their usual place. */
export const TOAST_CLEARANCE_VAR = "--toast-clearance";
const GAP_PX = 12;

/**
 * Keeps toasts above the element (a call screen's bottom controls) while it is mounted: the
 * Toaster's bottom offset follows the element's top edge, also when the controls wrap to two rows
 * on a phone or the device panel opens above them. Without it a toast raised on the contacts page
 * floats over Mute and End when the call screen opens.
 */
export function useToastClearance(ref: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const root = document.documentElement;
    const update = () => {
      const fromBottom = window.innerHeight - element.getBoundingClientRect().top;
      root.style.setProperty(TOAST_CLEARANCE_VAR, `${Math.max(0, Math.ceil(fromBottom)) + GAP_PX}px`);
    };
    update();
    const observer = new ResizeObserver(update);
    observer.observe(element);
    window.addEventListener("resize", update);
    return () => {
      observer.disconnect();
      window.removeEventListener("resize", update);
      root.style.removeProperty(TOAST_CLEARANCE_VAR);
    };
  }, [ref]);
}

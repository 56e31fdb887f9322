import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { Toasts } from "~/components/toasts";
import { RegisterServiceWorker } from "~/pwa/service-worker";
import { TRPCReactProvider } from "~/trpc/react";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Ringback", template: "%s · Ringback" },
  description: "Audio and video calls with the people you know.",
  applicationName: "Ringback",
  icons: { icon: [{ url: "/icons/icon-192.png", sizes: "192x192", type: "image/png" }], apple: "/icons/apple-touch-icon.png" },
  appleWebApp: { capable: true, title: "Ringback", statusBarStyle: "default" },
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  viewportFit: "cover",
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#f6f7f9" },
    { media: "(prefers-color-scheme: dark)", color: "#16171a" },
  ],
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-dvh">
        <TRPCReactProvider>{children}</TRPCReactProvider>
        <RegisterServiceWorker />
        {/* bottom, above the phone tab bar: a stack of toasts at the top would cover search boxes. On a
            call screen its controls set --toast-clearance (calls/toast-clearance.ts) to stay uncovered.
            Mounted with the first toast (components/toasts.tsx). */}
        <Toasts
          position="bottom-center"
          richColors
          closeButton
          visibleToasts={3}
          offset={{ bottom: "var(--toast-clearance, 24px)" }}
          mobileOffset={{ bottom: "var(--toast-clearance, 96px)" }}
        />
      </body>
    </html>
  );
}

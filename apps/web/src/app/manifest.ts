import type { MetadataRoute } from "next";

/** The web app manifest (/manifest.webmanifest; Next links it from every page). */
export default function manifest(): MetadataRoute.Manifest {
  return {
    id: "/",
    name: "Ringback",
    short_name: "Ringback",
    description: "Audio and video calls with the people you know.",
    start_url: "/calls",
    scope: "/",
    display: "standalone",
    orientation: "any",
    // the app's light background (globals: --background); the same colour as the light theme-color
    background_color: "#f6f7f9",
    theme_color: "#f6f7f9",
    categories: ["social", "communication"],
    icons: [
      { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
      { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
      { src: "/icons/maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
    ],
  };
}

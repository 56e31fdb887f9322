import { z } from "zod";

/*
 * The only place in apps/web that reads process.env. Next inlines nothing from here into client
 * bundles: import it from server code (route handlers, server components, next.config.ts) only.
 */
const optionalString = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value ? value : undefined));

const envSchema = z.object({
  API_URL: z
    .url({ message: "API_URL must be a URL such as http://127.0.0.1:3001" })
    .default("http://127.0.0.1:3001")
    .transform((value) => value.replace(/\/+$/, "")),
  // Optional at build time (next build runs without secrets); next-auth refuses to run without it in production.
  AUTH_SECRET: optionalString,
  NEXTAUTH_URL: z.url({ message: "NEXTAUTH_URL must be a URL such as http://localhost:3000" }).optional(),
  AUTH_GITHUB_ID: optionalString,
  AUTH_GITHUB_SECRET: optionalString,
  AUTH_GOOGLE_ID: optionalString,
  AUTH_GOOGLE_SECRET: optionalString,
});

export type Env = z.infer<typeof envSchema>;

function readEnv(): Env {
  const parsed = envSchema.safeParse({
    API_URL: process.env.API_URL || undefined,
    AUTH_SECRET: process.env.AUTH_SECRET,
    NEXTAUTH_URL: process.env.NEXTAUTH_URL || undefined,
    AUTH_GITHUB_ID: process.env.AUTH_GITHUB_ID,
    AUTH_GITHUB_SECRET: process.env.AUTH_GITHUB_SECRET,
    AUTH_GOOGLE_ID: process.env.AUTH_GOOGLE_ID,
    AUTH_GOOGLE_SECRET: process.env.AUTH_GOOGLE_SECRET,
  });
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`).join("\n");
    throw new Error(`Invalid environment for apps/web:\n${details}`);
  }
  return parsed.data;
}

export const env: Env = readEnv();

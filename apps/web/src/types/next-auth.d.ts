import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface Session {
    user: { id: string; handle: string; name: string; email: string };
  }
  interface User {
    handle?: string;
    /** a password sign-in's server-side session, started by the API with the password check */
    sid?: string;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    handle?: string;
    /** the server-side session this cookie belongs to (apps/api sessions table) */
    sid?: string;
  }
}

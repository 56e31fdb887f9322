/** The error code sign-in passes from the server's authorize() to the form when the API throttles. */
export const TOO_MANY_ATTEMPTS = "TooManyAttempts";

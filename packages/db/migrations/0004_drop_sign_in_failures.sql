-- sign-in throttling now lives in throttle_hits (per address, per account, per trusted device)
DROP TABLE "sign_in_failures" CASCADE;
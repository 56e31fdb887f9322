CREATE TABLE "event_counters" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"last_seq" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "throttle_hits" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"bucket" text NOT NULL,
	"key" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "seq" bigint;--> statement-breakpoint
-- events stored before per-person sequences get them in their old order
UPDATE "events" SET "seq" = n.seq FROM (SELECT "id", row_number() OVER (PARTITION BY "user_id" ORDER BY "id") AS seq FROM "events") n WHERE "events"."id" = n."id";--> statement-breakpoint
ALTER TABLE "events" ALTER COLUMN "seq" SET NOT NULL;--> statement-breakpoint
INSERT INTO "event_counters" ("user_id", "last_seq") SELECT "user_id", max("seq") FROM "events" GROUP BY "user_id";--> statement-breakpoint
ALTER TABLE "user_settings" ADD COLUMN "discoverable_by_email" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "event_counters" ADD CONSTRAINT "event_counters_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "sessions_expires_idx" ON "sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "throttle_hits_bucket_key_at_idx" ON "throttle_hits" USING btree ("bucket","key","at");--> statement-breakpoint
CREATE INDEX "throttle_hits_at_idx" ON "throttle_hits" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "events_user_seq_key" ON "events" USING btree ("user_id","seq");
CREATE TYPE "public"."transcript_status" AS ENUM('pending', 'ready', 'failed', 'none');--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "upload_id" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "media_key" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "poster_key" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "content_type" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "size_bytes" bigint;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "waveform" jsonb;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "live_room" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "live_segments" jsonb;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "transcript_status" "transcript_status" DEFAULT 'pending' NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "transcript_segments" jsonb;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "transcript_tsv" "tsvector" GENERATED ALWAYS AS (to_tsvector('english', coalesce(transcript, ''))) STORED;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "ready_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "messages_call_idx" ON "messages" USING btree ("call_id");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_upload_key" ON "messages" USING btree ("upload_id");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_live_room_key" ON "messages" USING btree ("live_room");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_one_per_call" ON "messages" USING btree ("call_id","sender_id");--> statement-breakpoint
CREATE INDEX "messages_unfinished_idx" ON "messages" USING btree ("created_at") WHERE "messages"."status" in ('recording', 'processing');--> statement-breakpoint
CREATE INDEX "messages_transcript_tsv_idx" ON "messages" USING gin ("transcript_tsv");
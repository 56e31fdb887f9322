CREATE TYPE "public"."library_kind" AS ENUM('live-photo', 'recording', 'saved-message');--> statement-breakpoint
CREATE TYPE "public"."library_status" AS ENUM('capturing', 'recording', 'processing', 'ready', 'failed');--> statement-breakpoint
CREATE TABLE "library_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"kind" "library_kind" NOT NULL,
	"status" "library_status" NOT NULL,
	"call_id" uuid,
	"people" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"source_message_id" uuid,
	"message_kind" "message_kind",
	"upload_id" text,
	"media_key" text,
	"content_type" text,
	"clip_key" text,
	"poster_key" text,
	"poster_type" text,
	"width" integer,
	"height" integer,
	"size_bytes" bigint DEFAULT 0 NOT NULL,
	"duration_ms" integer,
	"waveform" jsonb,
	"transcript" text,
	"transcript_segments" jsonb,
	"captured_at" timestamp with time zone DEFAULT now() NOT NULL,
	"stopped_at" timestamp with time zone,
	"stop_reason" text,
	"last_activity_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ready_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "library_items" ADD CONSTRAINT "library_items_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_items" ADD CONSTRAINT "library_items_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "library_items_owner_time_idx" ON "library_items" USING btree ("owner_id","captured_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "library_items_upload_key" ON "library_items" USING btree ("upload_id");--> statement-breakpoint
CREATE UNIQUE INDEX "library_items_one_recording_per_call" ON "library_items" USING btree ("call_id") WHERE "library_items"."status" = 'recording';--> statement-breakpoint
CREATE UNIQUE INDEX "library_items_saved_message_key" ON "library_items" USING btree ("owner_id","source_message_id");--> statement-breakpoint
CREATE INDEX "library_items_unfinished_idx" ON "library_items" USING btree ("created_at") WHERE "library_items"."status" in ('capturing', 'recording', 'processing');
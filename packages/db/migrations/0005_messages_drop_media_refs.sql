ALTER TABLE "messages" DROP CONSTRAINT "messages_media_id_media_objects_id_fk";
--> statement-breakpoint
ALTER TABLE "messages" DROP CONSTRAINT "messages_poster_id_media_objects_id_fk";
--> statement-breakpoint
ALTER TABLE "messages" DROP COLUMN "media_id";--> statement-breakpoint
ALTER TABLE "messages" DROP COLUMN "poster_id";
CREATE TABLE "call_pairs" (
	"call_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"other_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "call_pairs_call_id_user_id_other_id_pk" PRIMARY KEY("call_id","user_id","other_id")
);
--> statement-breakpoint
ALTER TABLE "call_pairs" ADD CONSTRAINT "call_pairs_call_id_user_id_call_participants_call_id_user_id_fk" FOREIGN KEY ("call_id","user_id") REFERENCES "public"."call_participants"("call_id","user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_pairs" ADD CONSTRAINT "call_pairs_call_id_other_id_call_participants_call_id_user_id_fk" FOREIGN KEY ("call_id","other_id") REFERENCES "public"."call_participants"("call_id","user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- call_pairs is kept by Postgres, not by the app: every insert into call_participants (one statement
-- per call today, a later one adding someone works too) adds each ordered pair of the call's people
CREATE FUNCTION "call_pairs_add"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "call_pairs" ("call_id", "user_id", "other_id", "created_at")
  SELECT a."call_id", a."user_id", b."user_id", a."created_at"
  FROM "call_participants" a
  JOIN "call_participants" b ON b."call_id" = a."call_id" AND b."user_id" <> a."user_id"
  WHERE a."call_id" IN (SELECT DISTINCT "call_id" FROM "new_participants")
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "call_participants_pairs" AFTER INSERT ON "call_participants"
  REFERENCING NEW TABLE AS "new_participants" FOR EACH STATEMENT EXECUTE FUNCTION "call_pairs_add"();--> statement-breakpoint
-- the calls made before this migration; from CREATE TRIGGER on, new calls wait for this migration to
-- commit (its join alone took 8 s for 1M calls on a busy 2-core machine: deploy when few people call)
INSERT INTO "call_pairs" ("call_id", "user_id", "other_id", "created_at")
SELECT a."call_id", a."user_id", b."user_id", a."created_at"
FROM "call_participants" a
JOIN "call_participants" b ON b."call_id" = a."call_id" AND b."user_id" <> a."user_id"
ON CONFLICT DO NOTHING;--> statement-breakpoint
CREATE INDEX "call_pairs_history_idx" ON "call_pairs" USING btree ("user_id","other_id","created_at" DESC NULLS FIRST,"call_id");
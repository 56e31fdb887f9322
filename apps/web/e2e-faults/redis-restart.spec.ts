import { expect, test } from "@playwright/test";
import { callFromContacts, incomingFrom, type Person } from "../e2e/helpers/calls";
import { twoContacts, waitForMedia } from "./helpers/people";
import { kill, note, waitForRestart } from "./helpers/stack";

/*
 * Redis (the LiveKit nodes' shared room registry and message bus) dies and the supervisor starts it
 * again, empty: a call placed afterwards works, with video and sound both ways.
 */

const people: Person[] = [];
test.afterEach(async () => {
  for (const p of people.splice(0)) await p.context.close();
});

test("Redis killed and restarted: a new call afterwards carries video and sound both ways", async ({ browser }) => {
  const [caller, callee] = await twoContacts(browser, "RedisCaller", "RedisCallee");
  people.push(caller, callee);

  const before = kill("redis");
  const restartMs = await waitForRestart("redis", before);
  const killedAt = Date.now() - restartMs;

  await callee.page.goto("/contacts");
  await callFromContacts(caller, callee, "video");
  await incomingFrom(callee.page, caller).getByRole("button", { name: "Accept with video" }).click();
  await expect(callee.page).toHaveURL(/\/call\//);
  const [toCallee, toCaller] = await Promise.all([
    waitForMedia(callee, "video and sound from the caller", { video: true }),
    waitForMedia(caller, "video and sound from the callee", { video: true }),
  ]);
  note(`redis killed: restarted after ${restartMs} ms; a call placed then had media both ways ${Math.round((Date.now() - killedAt) / 100) / 10} s after the kill (${toCallee}/${toCaller} ms to media once answered)`);
});

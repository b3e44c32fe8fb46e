// The GraphiQL page in Debian's headless Chromium with every request to another host refused:
// it must render its editor, break none of its Content-Security-Policy, and run a query and a
// subscription with the token a person puts in the headers editor. Usage: node graphiql.mjs <page URL> <token>
// <screenshot.png>; prints one JSON line of findings and exits 1 if any check failed.
import { chromium } from "playwright-core";

const [pageURL, token, screenshot] = process.argv.slice(2);
const own = new URL(pageURL).host;
const findings = {
  outside: [],
  violations: [],
  errors: [],
  rendered: false,
  answer: null,
  subscribed: false,
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // The intranet: only the gateway answers.
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.host === own || url.protocol === "data:") return route.continue();
    findings.outside.push(url.href);
    return route.abort("internetdisconnected");
  });
  const page = await context.newPage();
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  page.on("console", (message) => {
    const text = message.text();
    if (text.startsWith("CSP violation")) findings.violations.push(text);
    else if (message.type() === "error" && !/401|Unauthorized/.test(text)) findings.errors.push(text);
  });
  page.on("pageerror", (error) => findings.errors.push(String(error)));

  await page.goto(pageURL, { waitUntil: "load" });
  await page.waitForSelector(".graphiql-query-editor .CodeMirror", { timeout: 20000 });
  findings.rendered = true;

  // The headers editor and the query editor are CodeMirror 5 instances: set them as a person's
  // paste would, then press the run button.
  await page.evaluate((bearer) => {
    const editors = [...document.querySelectorAll(".CodeMirror")].map((e) => e.CodeMirror);
    const query = document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror;
    query.setValue("{ units { name } }");
    const headers = editors.find((e) => e.getValue().includes("Authorization"));
    headers.setValue(JSON.stringify({ Authorization: `Bearer ${bearer}` }));
  }, token);
  await page.click(".graphiql-execute-button");
  await page.waitForFunction(
    () => {
      const result = document.querySelector(".result-window .CodeMirror");
      return result && result.CodeMirror.getValue().includes('"data"');
    },
    null,
    { timeout: 20000 },
  );
  findings.answer = JSON.parse(
    await page.evaluate(
      () => document.querySelector(".result-window .CodeMirror").CodeMirror.getValue(),
    ),
  );

  // A subscription goes over the websocket; GraphiQL puts the same headers in its
  // connection_init, where the gateway reads the token.
  await page.evaluate(() => {
    const query = document.querySelector(".graphiql-query-editor .CodeMirror").CodeMirror;
    query.setValue("subscription { events { type } }");
  });
  // GraphiQL parses the edited document after a short debounce and picks the websocket by it: a
  // click at once would still see the query before (as no person types that fast).
  await page.waitForTimeout(1000);
  await page.click(".graphiql-execute-button");
  await page.waitForFunction(
    () => {
      const result = document.querySelector(".result-window .CodeMirror");
      return result && result.CodeMirror.getValue().includes("kaohe.directory.");
    },
    null,
    { timeout: 20000 },
  );
  findings.subscribed = true;
  if (screenshot) await page.screenshot({ path: screenshot });
} catch (error) {
  findings.errors.push(String(error));
  // What the person would see in the result pane, to tell why.
  findings.shown = await Promise.resolve(
    browser.contexts()[0]?.pages()[0]?.evaluate(
      () => document.querySelector(".result-window .CodeMirror")?.CodeMirror.getValue(),
    ),
  ).catch(() => null);
} finally {
  await browser.close();
}
console.log(JSON.stringify(findings));
const ok =
  findings.rendered &&
  findings.outside.length === 0 &&
  findings.violations.length === 0 &&
  findings.errors.length === 0 &&
  findings.answer?.data?.units !== undefined &&
  findings.subscribed;
process.exit(ok ? 0 : 1);

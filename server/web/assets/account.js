// "Your phone's account" (#17). What the page shows depends on what this phone holds:
// - nothing: create an account with a new passkey, or find one with a passkey synced here;
// - an account: its address (text and QR code) for a seller, its pieces, a second device, recovery.
// Two links in the fragment (never sent to a server) join a second device:
// - #join=<account>, opened on the new device: it makes a passkey, then shows #add=<x>.<y>;
// - #add=<x>.<y>, opened on the phone holding the account: its passkey signs addPasskey.
import { fill, getJson, short, show } from "./ownership.js";
import {
  createAccount,
  findAccount,
  isCancel,
  remember,
  remembered,
  runOperation,
  supported,
} from "./passkey.js";

const config = JSON.parse(document.getElementById("hallmark-account").textContent);
const m = config.messages;
const $ = (id) => document.getElementById(id);
const status = $("account-status");
const lang = config.lang === "en" ? "" : `&lang=${config.lang}`;
const fragment = new URLSearchParams(location.hash.slice(1));
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const KEY = /^(0x[0-9a-fA-F]{64})\.(0x[0-9a-fA-F]{64})$/;

function explain(error) {
  if (isCancel(error)) return m.cancelled;
  return fill(m.refused, { message: error && error.message ? error.message : String(error) });
}

function runOperationIn(element, buttons, action, doneText) {
  return runOperation({ element, buttons, action, messages: m, doneText });
}

function qr(image, query) {
  image.src = `/account/qr?${query}${lang}`;
}

/** The account's pieces, by name (each one's page says the rest). */
async function listPieces(account) {
  const list = $("account-pieces");
  try {
    const page = await getJson(`/v1/certificates?owner=${account}&limit=20`);
    const views = await Promise.all(
      page.items.map((item) => getJson(`/v1/certificates/${item.tokenId}`).catch(() => item)),
    );
    list.replaceChildren(
      ...views.map((view) => {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = `/v/${view.tokenId}${lang === "" ? "" : `?lang=${config.lang}`}`;
        const passport = view.metadata && view.metadata.document ? view.metadata.document.passport : null;
        a.textContent = passport ? `${passport.brand.name} — ${passport.productName}` : view.tokenId;
        a.dataset.tokenId = view.tokenId;
        li.append(a);
        return li;
      }),
    );
    $("account-pieces-none").hidden = views.length > 0;
  } catch {
    $("account-pieces-none").hidden = false;
  }
}

function showHeld(held) {
  $("account-none").hidden = true;
  $("account-held").hidden = false;
  show(status, fill(m.heldAccount, { account: short(held.account) }), "", { state: "held" });
  status.dataset.account = held.account;
  $("account-address").textContent = held.account;
  qr($("account-qr"), `address=${held.account}`);
  qr($("device-qr"), `join=${held.account}`);
  const link = $("device-link");
  link.href = `/account${lang === "" ? "" : `?lang=${config.lang}`}#join=${held.account}`;
  link.textContent = new URL(link.href, location.href).toString();
  void listPieces(held.account);
}

function showNone() {
  $("account-none").hidden = false;
  $("account-held").hidden = true;
  show(status, m.noAccount, "", { state: "none" });
}

async function start(task, busyText) {
  const buttons = [$("create-account-button"), $("find-account-button")];
  for (const button of buttons) button.disabled = true;
  show(status, busyText, "", { state: "working" });
  try {
    const held = await task();
    showHeld(held);
    show(status, fill(m.created, { account: held.account }), "ok", { state: "held" });
    status.dataset.account = held.account;
  } catch (error) {
    show(status, explain(error), "error", { state: isCancel(error) ? "cancelled" : "refused" });
  } finally {
    for (const button of buttons) button.disabled = false;
  }
}

/** The new device: a passkey of its own, for the account it joins; the first phone then adds its key. */
function join(account) {
  const panel = $("join-panel");
  panel.hidden = false;
  $("join-intro").textContent = fill($("join-intro").dataset.template, { account });
  $("join-button").addEventListener("click", async () => {
    $("join-button").disabled = true;
    show(status, m.creating, "", { state: "working" });
    try {
      const created = await createAccount();
      // This device acts for the joined account from now on; its own passkey is added there by the first phone.
      const held = remember({ ...created, account, joined: true });
      const link = `/account${lang === "" ? "" : `?lang=${config.lang}`}#add=${held.publicKey.x}.${held.publicKey.y}`;
      const anchor = $("join-link");
      anchor.href = link;
      anchor.textContent = new URL(link, location.href).toString();
      qr($("join-qr"), `add=${held.publicKey.x}.${held.publicKey.y}`);
      $("join-show").hidden = false;
      show(status, m.joined, "ok", { state: "joined" });
    } catch (error) {
      show(status, explain(error), "error", { state: isCancel(error) ? "cancelled" : "refused" });
      $("join-button").disabled = false;
    }
  });
}

/** The first phone: adds the new device's key to its account, with its own passkey. */
function add(x, y, held) {
  $("add-panel").hidden = false;
  $("add-intro").textContent = fill($("add-intro").dataset.template, {
    account: short(held.account),
    key: `${x.slice(0, 10)}…`,
  });
  const button = $("add-button");
  button.addEventListener(
    "click",
    () =>
      void runOperationIn($("add-result"), [button], { type: "addPasskey", publicKey: { x, y } }, (values) =>
        fill(m.deviceAdded, values),
      ),
  );
}

function wireRecovery() {
  const form = $("recovery-form");
  const input = $("recoverer");
  const result = $("recovery-result");
  const buttons = [$("recovery-button"), $("cancel-recovery-button")];
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const recoverer = input.value.trim();
    if (recoverer !== "" && !ADDRESS.test(recoverer)) {
      input.setAttribute("aria-invalid", "true");
      input.focus();
      show(result, m.badAddress, "error", { state: "invalid" });
      return;
    }
    input.removeAttribute("aria-invalid");
    const off = recoverer === "";
    const action = {
      type: "setRecovery",
      recoverer: off ? "0x0000000000000000000000000000000000000000" : recoverer,
      delay: off ? 0 : Number($("recovery-delay").value),
    };
    void runOperationIn(result, buttons, action, (values) =>
      fill(off ? m.recoveryOff : m.recoverySet, values),
    );
  });
  $("cancel-recovery-button").addEventListener(
    "click",
    () =>
      void runOperationIn(result, buttons, { type: "cancelRecovery" }, (values) =>
        fill(m.recoveryCancelled, values),
      ),
  );
}

function main() {
  if (!supported()) {
    show(status, m.unsupported, "error", { state: "unsupported" });
    return;
  }
  const joining = fragment.get("join");
  const adding = KEY.exec(fragment.get("add") ?? "");
  // The links' data now lives in this page: out of the address bar and the history.
  if (location.hash !== "") history.replaceState(history.state, "", location.pathname + location.search);
  if (joining !== null && ADDRESS.test(joining)) return join(joining);

  $("create-account-button").addEventListener("click", () => void start(createAccount, m.creating));
  $("find-account-button").addEventListener("click", () => void start(findAccount, m.finding));
  $("copy-address-button").addEventListener("click", () => {
    void navigator.clipboard?.writeText($("account-address").textContent).then(() => {
      $("copy-address-button").textContent = m.copied;
    });
  });
  wireRecovery();
  const held = remembered();
  if (held === null) showNone();
  else showHeld(held);
  if (adding !== null && held !== null) add(adding[1], adding[2], held);
}

main();
// A link to this page opened while it is already open (#join=, #add=) changes only the fragment: start again.
window.addEventListener("hashchange", () => location.reload());

/** The analyst console's entry: renders the app into the page's one element. */
import "./csp-safe-zod.js";
import { render } from "preact";
import { App } from "./app.js";
import "./styles.css";

const root = document.getElementById("app");
if (root !== null) {
  root.textContent = "";
  render(<App />, root);
}

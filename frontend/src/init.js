// Starts GOV.UK Frontend. Loaded as a module from the page layout, so it runs
// only in browsers GOV.UK Frontend supports; it replaces the inline snippet in
// GOV.UK's page template, which the Content-Security-Policy does not allow.
import { initAll } from "./govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

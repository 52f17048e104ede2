// safer.js - starts govuk-frontend's components where the browser can run
// them. Loaded as a module from the page (no inline script: the
// Content-Security-Policy allows scripts from this site only); a browser
// without modules or JavaScript gets the same pages without the extras.
import { initAll } from './govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()

/*
 * opt.c - the option parser and help of every subcommand (see opt.h).
 */
#include "util/compat.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "opt.h"

#define EXIT_OK 0
#define EXIT_USAGE 2

static int say(struct cli_args *out, const char *fmt, ...) SAFER_PRINTF(2, 3);

static int say(struct cli_args *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->msg, sizeof(out->msg), fmt, ap);
    va_end(ap);
    return CLI_OPT_USAGE;
}

static size_t count_opts(const struct cli_spec *spec)
{
    size_t n = 0;
    while (spec->opts && spec->opts[n].name)
        n++;
    assert(n <= CLI_MAX_OPTS);
    return n;
}

/*
 * The option `name` (n bytes) names: its index, `nopts` for --help, or -1
 * with out->msg set. An exact name wins over prefixes of longer ones.
 */
static long find_opt(const struct cli_spec *spec, size_t nopts, const char *name, size_t n,
                     struct cli_args *out)
{
    long found = -1, matches = 0;
    for (size_t k = 0; k <= nopts; k++) {
        const char *o = k < nopts ? spec->opts[k].name : "help";
        if (strncmp(o, name, n) != 0)
            continue;
        if (o[n] == '\0')
            return (long)k;
        found = (long)k;
        matches++;
    }
    if (matches == 1)
        return found;
    if (matches == 0)
        say(out, "unknown option '--%.*s'", (int)n, name);
    else
        say(out, "option '--%.*s' is ambiguous", (int)n, name);
    return -1;
}

int cli_opt_parse(const struct cli_spec *spec, int argc, char **argv, struct cli_args *out)
{
    memset(out, 0, sizeof(*out));
    size_t nopts = count_opts(spec);
    int w = 1, only_args = 0;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (only_args || a[0] != '-' || a[1] == '\0') {
            argv[w++] = a;
            /* The rest belongs to what this argument names. */
            only_args |= spec->stop_at_arg;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_args = 1;
            continue;
        }
        if (strcmp(a, "-h") == 0)
            return CLI_OPT_HELP;
        if (a[1] != '-')
            return say(out, "unknown option '%s'", a);
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t n = eq ? (size_t)(eq - name) : strlen(name);
        if (n == 0)
            return say(out, "unknown option '%s'", a);
        long k = find_opt(spec, nopts, name, n, out);
        if (k < 0)
            return CLI_OPT_USAGE;
        const char *full = (size_t)k < nopts ? spec->opts[k].name : "help";
        if ((size_t)k == nopts || !spec->opts[k].arg) {
            if (eq)
                return say(out, "option '--%s' takes no value", full);
            if ((size_t)k == nopts)
                return CLI_OPT_HELP;
            out->val[k] = "";
        } else if (eq) {
            out->val[k] = eq + 1;
        } else if (i + 1 < argc) {
            out->val[k] = argv[++i];
        } else {
            return say(out, "option '--%s' needs a value (%s)", full, spec->opts[k].arg);
        }
    }
    out->args = argv + 1;
    out->nargs = w - 1;
    return CLI_OPT_OK;
}

void cli_opt_help(const struct cli_spec *spec, FILE *f)
{
    fputs(spec->usage, f);
    if (spec->about)
        fprintf(f, "\n%s", spec->about);
    size_t nopts = count_opts(spec), width = 6; /* "--help" */
    for (size_t k = 0; k < nopts; k++) {
        const struct cli_opt *o = &spec->opts[k];
        if (!o->help)
            continue;
        size_t w = 2 + strlen(o->name) + (o->arg ? 1 + strlen(o->arg) : 0);
        if (w > width)
            width = w;
    }
    fputs("\noptions:\n", f);
    for (size_t k = 0; k <= nopts; k++) {
        const struct cli_opt *o = &spec->opts[k];
        if (k < nopts && !o->help)
            continue; /* a test option: not in the help */
        const char *name = k < nopts ? o->name : "help";
        const char *arg = k < nopts ? o->arg : NULL;
        const char *help = k < nopts ? o->help : "show this help";
        int w = fprintf(f, "  --%s%s%s", name, arg ? " " : "", arg ? arg : "");
        fprintf(f, "%*s", (int)width + 4 - w, "");
        for (const char *p = help; *p; p++) {
            fputc(*p, f);
            if (*p == '\n')
                fprintf(f, "%*s", (int)width + 4, "");
        }
        fputc('\n', f);
    }
}

static void vusage_error(const char *usage, const char *fmt, va_list ap) SAFER_PRINTF(2, 0);

static void vusage_error(const char *usage, const char *fmt, va_list ap)
{
    fputs("safer: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    if (usage)
        fputs(usage, stderr);
}

int cli_usage_error(const struct cli_spec *spec, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vusage_error(spec ? spec->usage : NULL, fmt, ap);
    va_end(ap);
    return EXIT_USAGE;
}

int cli_parse(const struct cli_spec *spec, int argc, char **argv, struct cli_args *out)
{
    int rc = cli_opt_parse(spec, argc, argv, out);
    if (rc == CLI_OPT_HELP) {
        cli_opt_help(spec, stdout);
        return EXIT_OK;
    }
    if (rc == CLI_OPT_USAGE)
        return cli_usage_error(spec, "%s", out->msg);
    if (out->nargs > spec->max_args && spec->max_args == 0)
        return cli_usage_error(spec, "unexpected argument '%s'", out->args[0]);
    if (out->nargs < spec->min_args || (spec->max_args >= 0 && out->nargs > spec->max_args))
        return cli_usage_error(spec, "%s", spec->need ? spec->need : "wrong number of arguments");
    return -1;
}

static void kinds_usage(const struct cli_kind *kinds, size_t n, FILE *f)
{
    for (size_t i = 0; i < n; i++)
        fputs(kinds[i].spec->usage, f);
}

static int kind_error(const struct cli_kind *kinds, size_t n, const char *fmt, ...)
    SAFER_PRINTF(3, 4);

static int kind_error(const struct cli_kind *kinds, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vusage_error(NULL, fmt, ap);
    va_end(ap);
    kinds_usage(kinds, n, stderr);
    return EXIT_USAGE;
}

int cli_run_kind(const char *cmd, const struct cli_kind *kinds, size_t nkinds, int argc,
                 char **argv)
{
    static const struct cli_opt none[] = {{NULL, NULL, NULL}};
    const struct cli_spec top = {"", NULL, none, 1, 0, -1, NULL};
    struct cli_args a;
    int rc = cli_opt_parse(&top, argc, argv, &a);
    if (rc == CLI_OPT_HELP) {
        for (size_t i = 0; i < nkinds; i++) {
            if (i)
                fputs("\n", stdout);
            cli_opt_help(kinds[i].spec, stdout);
        }
        return EXIT_OK;
    }
    if (rc == CLI_OPT_USAGE)
        return kind_error(kinds, nkinds, "%s (the kind comes first)", a.msg);
    if (a.nargs == 0) {
        char names[200] = "";
        for (size_t i = 0; i < nkinds; i++)
            snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
                     i == 0 ? "" : i + 1 == nkinds ? " or " : ", ", kinds[i].name);
        return kind_error(kinds, nkinds, "%s needs a kind: %s", cmd, names);
    }
    for (size_t i = 0; i < nkinds; i++) {
        if (strcmp(a.args[0], kinds[i].name) == 0)
            return kinds[i].run(kinds[i].spec, a.nargs, a.args);
    }
    return kind_error(kinds, nkinds, "unknown %s kind '%s'", cmd, a.args[0]);
}

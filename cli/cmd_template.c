/*
 * cmd_template.c - `safer template actions|indicators`: the CSV template
 * that `safer import actions|indicators` reads, to fill in a spreadsheet.
 */
#include "util/compat.h"

#include <stdio.h>

#include "cli.h"
#include "safer/exchange.h"

static const struct cli_opt no_opts[] = {{NULL, NULL, NULL}};
static const struct cli_spec actions_spec = {
    "usage: safer template actions > actions.csv\n",
    "Prints the actions template: the header row, then two example rows to\n"
    "replace with the partnership's own (columns in docs/exchange.md).\n",
    no_opts, 0, 0, 0, NULL};
static const struct cli_spec indicators_spec = {
    "usage: safer template indicators > indicators.csv\n",
    "Prints the indicators template: the header row, then two example rows to\n"
    "replace with the partnership's own (columns in docs/exchange.md).\n",
    no_opts, 0, 0, 0, NULL};

static int print_template(const struct cli_spec *spec, int argc, char **argv)
{
    struct cli_args args;
    int status = cli_parse(spec, argc, argv, &args);
    if (status >= 0)
        return status;
    fputs(safer_exchange_template(spec == &actions_spec ? SAFER_EXCHANGE_ACTIONS
                                                        : SAFER_EXCHANGE_INDICATORS),
          stdout);
    return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_FAILED;
}

static const struct cli_kind kinds[] = {
    {"actions", &actions_spec, print_template},
    {"indicators", &indicators_spec, print_template},
};

int cmd_template(int argc, char **argv)
{
    return cli_run_kind("template", kinds, sizeof(kinds) / sizeof(kinds[0]), argc, argv);
}

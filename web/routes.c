/*
 * routes.c - the server's one table of routes (router.h): every path the
 * server answers, the method, the permission it needs, and its handler.
 * Nothing is served that is not here (AC-09); `safer serve --list-routes`
 * prints it, and tests/http/routes.json must name every row.
 */
#include "util/compat.h"

#include "router.h"

#define PUBLIC WEB_NEED(SAFER_PERM_VIEW_PUBLIC)

const struct web_route web_routes[] = {
    /* Static and health: no session is looked up. */
    {"GET", "/health", PUBLIC, page_health_get, WEB_ROUTE_PUBLIC},
    {"GET", "/assets/*", PUBLIC, assets_get, WEB_ROUTE_PUBLIC},

    /* The public summary. */
    {"GET", "/public", PUBLIC, page_public_get, 0},
    {"GET", "/public/{code}", PUBLIC, page_public_one_get, 0},

    /* Signing in and out, and one's own account. */
    {"GET", "/sign-in", PUBLIC, page_signin_get, 0},
    {"POST", "/sign-in", PUBLIC, page_signin_post, 0},
    {"POST", "/sign-out", WEB_NEED(SAFER_PERM_OWN_ACCOUNT), page_signout_post, 0},
    {"GET", "/account/setup", PUBLIC, page_setup_get, 0},
    {"POST", "/account/setup", PUBLIC, page_setup_post, 0},
    {"GET", "/account/sessions", WEB_NEED(SAFER_PERM_OWN_ACCOUNT), page_sessions_get, 0},
    {"POST", "/account/sessions/end", WEB_NEED(SAFER_PERM_OWN_ACCOUNT), page_sessions_end_post,
     0},

    /* The partnership's workspace. */
    /* Everyone may ask for /: the page sends a visitor to sign in, and a
     * person whose role is the public's to the public summary. */
    {"GET", "/", WEB_NEED(SAFER_PERM_VIEW_PUBLIC), page_dashboard_get, 0},

    /* How the partnership is run: its groups, as its plan states them. */
    {"GET", "/groups", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_groups_get, 0},

    /* Actions: the literal paths before /actions/{id}, which would match
     * "new" too. */
    {"GET", "/actions", WEB_NEED(SAFER_PERM_VIEW_PLAN), page_actions_get, 0},
    {"GET", "/actions/new", WEB_NEED(SAFER_PERM_EDIT_PLAN), page_action_new_get, 0},
    {"POST", "/actions/new", WEB_NEED(SAFER_PERM_EDIT_PLAN), page_action_new_post, 0},
    {"GET", "/actions/edit/{id}", WEB_NEED(SAFER_PERM_EDIT_PLAN), page_action_edit_get, 0},
    {"POST", "/actions/edit/{id}", WEB_NEED(SAFER_PERM_EDIT_PLAN), page_action_edit_post, 0},
    {"POST", "/actions/update/{id}", WEB_NEED(SAFER_PERM_UPDATE_OWN_ACTION),
     page_action_update_post, 0},
    {"GET", "/actions/{id}", WEB_NEED(SAFER_PERM_VIEW_PLAN), page_action_get, 0},

    /* Indicators. */
    {"GET", "/indicators", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_indicators_get, 0},
    {"GET", "/indicators/new", WEB_NEED(SAFER_PERM_EDIT_INDICATOR), page_indicator_new_get, 0},
    {"POST", "/indicators/new", WEB_NEED(SAFER_PERM_EDIT_INDICATOR), page_indicator_new_post, 0},
    {"GET", "/indicators/edit/{id}", WEB_NEED(SAFER_PERM_EDIT_INDICATOR), page_indicator_edit_get,
     0},
    {"POST", "/indicators/edit/{id}", WEB_NEED(SAFER_PERM_EDIT_INDICATOR),
     page_indicator_edit_post, 0},
    {"GET", "/indicators/{id}", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_indicator_get, 0},
    {"POST", "/indicators/value/{id}", WEB_NEED(SAFER_PERM_EDIT_INDICATOR),
     page_indicator_value_post, 0},
    {"POST", "/indicators/comment/{id}", WEB_NEED(SAFER_PERM_EDIT_INDICATOR),
     page_indicator_comment_post, 0},

    /* The strategic assessment: live, and as published. */
    {"GET", "/assessments", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_assessments_get, 0},
    {"GET", "/assessments/{n}", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_assessment_get, 0},
    {"GET", "/assessments/files/*", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_assessment_file_get,
     0},
    {"GET", "/report/*", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_report_get, 0},

    /* The read-only API. */
    {"GET", "/api/priorities", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), api_priorities_get,
     WEB_ROUTE_API},
    {"GET", "/api/indicators", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), api_indicators_get,
     WEB_ROUTE_API},
    {"GET", "/api/indicators/{id}", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), api_indicator_get,
     WEB_ROUTE_API},
    {"GET", "/api/actions", WEB_NEED(SAFER_PERM_VIEW_PLAN), api_actions_get, WEB_ROUTE_API},

    /* csvio: the partnership's whole plan, as a download. */
    {"GET", "/export/partnership.json", WEB_NEED(SAFER_PERM_VIEW_PLAN),
     page_export_partnership_get, 0},
    /* Equality and money: equality impact assessments and grants, public
     * documents of the partnership (read at the aggregate level), kept by
     * those who keep the plan. The literal paths before the {id} ones. */
    {"GET", "/equality", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_equality_list_get, 0},
    {"GET", "/equality/new", WEB_NEED(SAFER_PERM_EDIT_PLAN), page_equality_new_get, 0},
    {"POST", "/equality/new", WEB_NEED(SAFER_PERM_EDIT_PLAN), page_equality_new_post, 0},
    {"GET", "/equality/edit/{id}", WEB_NEED(SAFER_PERM_EDIT_PLAN), page_equality_edit_get, 0},
    {"POST", "/equality/edit/{id}", WEB_NEED(SAFER_PERM_EDIT_PLAN), page_equality_edit_post, 0},
    {"GET", "/equality/{id}", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_equality_get, 0},
    {"GET", "/funding", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_funding_list_get, 0},
    {"GET", "/funding/new", WEB_NEED(SAFER_PERM_EDIT_PLAN), page_funding_new_get, 0},
    {"POST", "/funding/new", WEB_NEED(SAFER_PERM_EDIT_PLAN), page_funding_new_post, 0},
    {"GET", "/funding/edit/{id}", WEB_NEED(SAFER_PERM_EDIT_PLAN), page_funding_edit_get, 0},
    {"POST", "/funding/edit/{id}", WEB_NEED(SAFER_PERM_EDIT_PLAN), page_funding_edit_post, 0},
    {"GET", "/funding/{id}", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_funding_get, 0},
    {"GET", "/api/funding", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), api_funding_get, WEB_ROUTE_API},
    /* groups: the strategy kept in the workspace (page_groups.c); the
     * literal edit paths before the {key} ones. */
    {"GET", "/groups/edit/{key}", WEB_NEED(SAFER_PERM_EDIT_PLAN), page_group_edit_get, 0},
    {"POST", "/groups/edit/{key}", WEB_NEED(SAFER_PERM_EDIT_PLAN), page_group_edit_post, 0},
    {"GET", "/groups/{key}", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_group_get, 0},
    {"GET", "/priorities", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_priorities_get, 0},
    {"GET", "/priorities/edit/{key}", WEB_NEED(SAFER_PERM_EDIT_PLAN), page_priority_edit_get, 0},
    {"POST", "/priorities/edit/{key}", WEB_NEED(SAFER_PERM_EDIT_PLAN), page_priority_edit_post,
     0},
    {"GET", "/priorities/{key}", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_priority_get, 0},
    {"GET", "/plans/edit/*", WEB_NEED(SAFER_PERM_EDIT_PLAN), page_plan_edit_get, 0},
    {"POST", "/plans/edit/*", WEB_NEED(SAFER_PERM_EDIT_PLAN), page_plan_edit_post, 0},
    {"GET", "/plans/*", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_plan_get, 0},
    {"GET", "/api/groups", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), api_groups_get, WEB_ROUTE_API},
    /* area: accounts. One's own password and partnership; the people of
     * the partnership (the literal /people/new before /people/{id}). */
    {"GET", "/account/password", WEB_NEED(SAFER_PERM_OWN_ACCOUNT), page_password_get, 0},
    {"POST", "/account/password", WEB_NEED(SAFER_PERM_OWN_ACCOUNT), page_password_post, 0},
    {"GET", "/account/partnership", WEB_NEED(SAFER_PERM_OWN_ACCOUNT), page_partnership_get, 0},
    {"POST", "/account/partnership", WEB_NEED(SAFER_PERM_OWN_ACCOUNT), page_partnership_post, 0},
    {"GET", "/people", WEB_NEED(SAFER_PERM_MANAGE_USERS), page_people_get, 0},
    {"GET", "/people/new", WEB_NEED(SAFER_PERM_MANAGE_USERS), page_person_new_get, 0},
    {"POST", "/people/new", WEB_NEED(SAFER_PERM_MANAGE_USERS), page_person_new_post, 0},
    {"GET", "/people/{id}", WEB_NEED(SAFER_PERM_MANAGE_USERS), page_person_get, 0},
    {"POST", "/people/reset/{id}", WEB_NEED(SAFER_PERM_MANAGE_USERS), page_person_reset_post, 0},
    {"POST", "/people/disable/{id}", WEB_NEED(SAFER_PERM_MANAGE_USERS), page_person_disable_post,
     0},
    {"POST", "/people/enable/{id}", WEB_NEED(SAFER_PERM_MANAGE_USERS), page_person_enable_post,
     0},
    {"POST", "/people/role/{id}", WEB_NEED(SAFER_PERM_MANAGE_USERS), page_person_role_post, 0},
    {"POST", "/people/sign-out/{id}", WEB_NEED(SAFER_PERM_MANAGE_USERS),
     page_person_signout_post, 0},

    /* packs: the executive group's and the scrutiny committee's papers,
     * documents of their own to print on A4 (page_pack.c). */
    {"GET", "/packs/executive", WEB_NEED(SAFER_PERM_VIEW_PLAN), page_pack_executive_get, 0},
    {"GET", "/packs/scrutiny", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_pack_scrutiny_get, 0},

    /* projects: problem-solving projects (page_project.c), read with the
     * plan in full and kept by those who keep the plan, as actions are;
     * the literal paths before /projects/{id}. */
    {"GET", "/projects", WEB_NEED(SAFER_PERM_VIEW_PLAN), page_projects_get, 0},
    {"GET", "/projects/new", WEB_NEED(SAFER_PERM_EDIT_PLAN), page_project_new_get, 0},
    {"POST", "/projects/new", WEB_NEED(SAFER_PERM_EDIT_PLAN), page_project_new_post, 0},
    {"GET", "/projects/edit/{id}", WEB_NEED(SAFER_PERM_EDIT_PLAN), page_project_edit_get, 0},
    {"POST", "/projects/edit/{id}", WEB_NEED(SAFER_PERM_EDIT_PLAN), page_project_edit_post, 0},
    {"POST", "/projects/responses/{id}", WEB_NEED(SAFER_PERM_EDIT_PLAN),
     page_project_response_post, 0},
    {"GET", "/projects/{id}", WEB_NEED(SAFER_PERM_VIEW_PLAN), page_project_get, 0},
    /* Ward profiles and the focus area (page_wards.c): aggregates, small
     * counts hidden from roles that may not see them. */
    {"GET", "/wards", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_wards_get, 0},
    {"GET", "/wards/{code}", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_ward_get, 0},

    /* analysis: area intelligence (page_analysis.c), read with the live
     * report's permission; small pair counts are withheld by the library
     * for a role that may not see the plan. */
    {"GET", "/analysis", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_analysis_get, 0},
    {"GET", "/analysis/near-repeat", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE),
     page_analysis_nearrepeat_get, 0},
    {"GET", "/analysis/near-repeat.csv", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE),
     page_analysis_nearrepeat_csv_get, 0},
    {"GET", "/analysis/clusters", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_analysis_clusters_get,
     0},
    {"GET", "/analysis/clusters.csv", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE),
     page_analysis_clusters_csv_get, 0},
    {"GET", "/analysis/hot-spots", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_analysis_hotspots_get,
     0},
    /* Residents' surveys (page_surveys.c): aggregates only; a ward's
     * estimate on a small base is left out by the library for a role that
     * may not see small counts. */
    {"GET", "/surveys", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_surveys_get, 0},
    /* routes: surveys */
    /* Service usage and pop-up sites (page_services.c): aggregates, small
     * ward counts hidden from roles that may not see them. */
    {"GET", "/services", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_services_get, 0},
    {"GET", "/services/pop-up", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_services_popup_get, 0},
    /* routes: visits */
    /* partner agencies' data (page_partner.c): aggregates, small counts
     * suppressed by the library for a role that may not see them. */
    {"GET", "/partners", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_partners_get, 0},
    {"GET", "/partners/csv/{key}", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_partner_csv_get, 0},
    {"GET", "/partners/{key}", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_partner_get, 0},
    {"GET", "/packs/data-share", WEB_NEED(SAFER_PERM_VIEW_AGGREGATE), page_pack_datashare_get, 0},
    /* routes: partner */
};

const size_t web_nroutes = sizeof(web_routes) / sizeof(web_routes[0]);

"""The template scan: which value paths a chart's templates read, which prefixes they open, and its bounds."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from profile_render.helm.chart import Chart, Dependency, chart_from_values, load_chart
from profile_render.helm.template_reads import ANY, ScanLimits, TemplateReads, scan_templates

ROOT = Path(__file__).resolve().parent.parent
SHOP = ROOT / "tests" / "data" / "template-reads" / "shop"


def _chart(*templates, values=None, name="c", files=None, **changes):
    named = tuple(files or ()) + tuple((f"templates/t{i}.yaml", text) for i, text in enumerate(templates))
    return Chart(name=name, values=values or {}, version="0.1.0", templates=named, **changes)


def scan(*templates, **kwargs):
    extra = kwargs.pop("extra_texts", ())
    limits = kwargs.pop("limits", None)
    result = scan_templates(_chart(*templates, **kwargs), extra_texts=extra, limits=limits)
    assert result.complete, result.problems
    return result


def _p(dotted):
    return tuple(dotted.split(".")) if dotted else ()


def reached(result: TemplateReads, *paths):
    return [result.reaches(_p(p)) for p in paths]


def opened(result: TemplateReads, *paths):
    return [result.is_open(_p(p)) for p in paths]


def test_field_chains_read_their_path_and_print_opens_it():
    r = scan("{{ .Values.image.repository }}:{{ if .Values.image.pull.always }}x{{ end }}")
    assert r.reads >= {("image", "repository"), ("image", "pull", "always")}
    assert reached(r, "image", "image.repository", "image.repository.x", "image.pull.always") == [True] * 4
    assert reached(r, "image.tag", "image.pull.always.x", "other") == [False] * 3
    assert opened(r, "image.repository", "image.pull.always", "image") == [True, False, False]


@pytest.mark.parametrize("template", [
    "{{ $.Values.a.b }}",
    "{{ $root := . }}{{ $root.Values.a.b }}",
    "{{ (.Values.a).b }}",
    "{{ (index .Values \"a\").b }}",
    "{{ index .Values \"a\" \"b\" }}",
    "{{ get .Values.a \"b\" }}",
    "{{ pluck \"b\" .Values.a .Values.other }}",
    "{{ dig \"b\" \"none\" .Values.a }}",
    "{{ .Values.a.b | default \"x\" | quote }}",
    "{{ default .Values.other .Values.a.b }}",
    "{{ coalesce .Values.a.b .Values.other }}",
    "{{ ternary .Values.a.b .Values.other .Values.flag }}",
    "{{ required \"a.b is required\" .Values.a.b }}",
    "{{ $x := .Values.a }}{{ $x.b }}",
    "{{ with .Values.a }}{{ .b }}{{ end }}",
    "{{ with $v := .Values.a }}{{ $v.b }}{{ end }}",
    "{{ include \"t\" .Values.a }}{{ define \"t\" }}{{ .b }}{{ end }}",
    "{{ template \"t\" .Values }}{{ define \"t\" }}{{ .a.b }}{{ end }}",
    "{{ include \"t\" (dict \"v\" .Values.a) }}{{ define \"t\" }}{{ .v.b }}{{ end }}",
    "{{ include \"t\" $ }}{{ define \"t\" }}{{ $.Values.a.b }}{{ end }}",
    "{{ block \"t\" .Values.a }}{{ .b }}{{ end }}",
])
def test_constructs_that_read_a_b(template):
    r = scan(template)
    assert reached(r, "a", "a.b") == [True, True]
    assert reached(r, "a.c") == [False]
    assert opened(r, "a.b") == [True]


def test_tests_read_the_path_but_not_below_it():
    r = scan("{{ if and .Values.a (not .Values.b.c) }}{{ end }}{{ if eq .Values.d \"x\" }}{{ end }}"
             "{{ if hasKey .Values.e \"f\" }}{{ end }}{{ if empty .Values.g }}{{ end }}{{ len .Values.h }}")
    assert reached(r, "a", "b.c", "d", "e.f", "g", "h") == [True] * 6
    assert reached(r, "a.x", "b.c.x", "e.g", "g.x", "h.x") == [False] * 5
    assert not any(opened(r, "a", "b.c", "d", "e.f", "g", "h"))


def test_with_else_and_else_with_move_dot():
    r = scan("{{ with .Values.a }}{{ .x }}{{ else with .Values.b }}{{ .y }}{{ else }}{{ .Values.c }}{{ end }}"
             "{{ .Values.d }}")
    assert reached(r, "a.x", "b.y", "c", "d") == [True] * 4
    assert reached(r, "a.y", "b.x", "x", "y") == [False] * 4


def test_range_reads_elements():
    r = scan("{{ range .Values.hosts }}{{ .host }}{{ range .paths }}{{ .path }}{{ end }}{{ else }}{{ .Values.none }}"
             "{{ end }}{{ range $k, $v := .Values.env }}{{ $k }}={{ $v.value }}{{ end }}"
             "{{ range $i := .Values.list }}{{ $i.name }}{{ end }}")
    assert ("hosts", ANY, "paths", ANY, "path") in r.reads
    assert reached(r, "hosts.0.host", "hosts.web.paths.x.path", "env.FOO.value", "list.a.name", "none") == [True] * 5
    assert reached(r, "hosts.0.port", "env.FOO.valueFrom", "list.a.other") == [False] * 3
    assert r.reaches(("hosts", 0, "host")) and not r.reaches(("hosts", 0, "port"))


def test_range_element_used_whole_opens_the_elements():
    r = scan("{{ range .Values.extraEnv }}- {{ toYaml . }}{{ end }}")
    assert opened(r, "extraEnv.anything.below") == [True]


def test_variables_follow_go_scoping_and_assignment():
    r = scan("{{ $p := .Values.a }}{{ if .Values.c }}{{ $p = .Values.b }}{{ $q := .Values.q }}{{ end }}{{ $p.x }}"
             "{{ $q := .Values.r }}{{ $q.y }}")
    assert reached(r, "a.x", "b.x", "r.y") == [True] * 3
    assert reached(r, "q.y") == [False]


def test_else_sees_outer_variables_and_the_branch_ones_go_s_parser_keeps():
    # Go's parser keeps $host (declared in the if branch) visible in the else branch (bitnami/kafka does this);
    # a name declared outside the control stays the outer one in the else branch.
    r = scan("{{ $x := .Values.outer }}{{ if .Values.c }}{{ $host := list }}{{ $x := .Values.inner }}{{ $x.a }}"
             "{{ else }}{{ join \",\" $host }}{{ $x.b }}{{ end }}")
    assert reached(r, "inner.a", "outer.b") == [True, True]
    assert reached(r, "inner.b") == [False]


def test_a_variable_walked_down_in_a_loop_reads_at_any_depth():
    # bitnami's common.warnings.resources walks "a.b.c" section names down the values this way
    r = scan('{{ $node := .Values.tree }}{{ range $key := splitList "." .Values.path }}'
             '{{ $node = index $node $key }}{{ end }}{{ $node.leaf }}{{ if hasKey $node "flag" }}{{ end }}'
             '{{ $other := .Values.o }}{{ $other.x }}')
    assert reached(r, "tree.leaf", "tree.a.b.c.leaf", "tree.a.flag", "o.x") == [True] * 4
    assert opened(r, "tree.a.b.c.leaf.x") == [True]
    # a key only ** stands for is reached only through a key below it that matches
    assert reached(r, "tree.a.b", "tree.a.b.other", "o.y") == [False] * 3
    assert r.reaches_below(("tree", "a", "b"), {"c": {"leaf": 1}})
    assert not r.reaches_below(("tree", "a", "b"), {"c": {"other": 1}})
    assert set(r.paths()) >= {("tree",), ("o", "x")}


def test_known_strings_from_list_and_split_index_known_keys():
    # the shape of bitnami's common.warnings.resources: constant section names, split and walked down
    r = scan('{{ range (list "cache.pool" "web") }}{{ $section := $.Values }}'
             '{{ range (splitList "." .) }}{{ $section = index $section . }}{{ end }}'
             '{{ if not (index $section "resources") }}{{ printf "%s.resources" . }}{{ end }}{{ end }}')
    assert reached(r, "cache.pool.resources", "web.resources", "cache.pool.x.resources") == [True] * 3
    assert reached(r, "other", "other.resources", "cache.pool.other") == [False] * 3


def test_an_include_printing_one_known_string_is_followed():
    # bitnami's common.secrets.passwords.manage: a key chosen by one template, its value read by another
    helpers = ('templates/_helpers.tpl', """
{{- define "key" -}}
{{- $key := first .keys -}}
{{- range reverse .keys }}{{ if index $.context.Values . }}{{ $key = . }}{{ end }}{{ end -}}
{{/* a comment does not count as output */}}
{{- printf "%s" $key -}}
{{- end -}}
{{- define "value" -}}
{{- $value := "" -}}{{- $node := .context.Values -}}
{{- range splitList "." .key }}{{ $value = index $node . }}{{ $node = $value }}{{ end -}}
{{- printf "%v" $value -}}
{{- end -}}
{{- define "labelled" -}}name: {{ print "x" }}{{- end -}}""")
    r = scan('{{ $k := include "key" (dict "keys" (list "auth.password" "password") "context" $) }}'
             '{{ include "value" (dict "key" $k "context" $) }}', files=[helpers])
    assert opened(r, "auth.password", "password", "auth.anything.below") == [True] * 3
    assert reached(r, "user", "user.password") == [False, False]
    # "labelled" prints text around its action: its result is not followed, so index reads any key
    r = scan('{{ $l := include "labelled" . }}{{ if index .Values $l }}{{ end }}', files=[helpers])
    assert reached(r, "other", "user.password") == [True, False] and opened(r, "other") == [False]


def test_lists_of_values_are_followed_element_by_element():
    r = scan('{{ range (list .Values.image .Values.sidecar.image) }}{{ .repository }}{{ end }}'
             '{{ $imgs := list .Values.init.image }}{{ (first $imgs).tag }}{{ (index $imgs 0).digest }}')
    assert reached(r, "image.repository", "sidecar.image.repository", "init.image.tag", "init.image.digest") == [True] * 4
    assert reached(r, "image.tag", "sidecar.image.tag", "init.image.repository") == [False] * 3


def test_index_by_a_computed_key_or_number_reads_any_key():
    r = scan("{{ index .Values.tls 0 }}{{ range $k, $_ := .Values.names }}{{ (index $.Values.ports $k).port }}{{ end }}")
    assert opened(r, "tls.0", "tls.x.y") == [True, True]
    assert reached(r, "ports.http.port") == [True]
    assert reached(r, "ports.http.name") == [False]


def test_whole_subtrees_open():
    r = scan("{{ toYaml .Values.a }}{{ printf \"%v\" .Values.b }}{{ .Values.c | toJson }}{{ myfunc .Values.d }}"
             "{{ .Files.Get .Values.e }}{{ merge (dict) .Values.f }}{{ list .Values.g }}{{ .Values.h | quote }}")
    assert opened(r, *(f"{k}.any.key" for k in "abcdefgh")) == [True] * 8
    assert reached(r, "z") == [False]


def test_toyaml_of_dot_opens_the_chart_values():
    assert opened(scan("{{ toYaml . }}"), "anything") == [True]
    assert opened(scan("{{ toYaml .Values }}"), "anything") == [True]


def test_named_templates_run_once_per_context_and_follow_dict_contexts():
    helpers = ('templates/_helpers.tpl',
               '{{- define "labels" -}}app: {{ include "name" .root }}{{ with .root.Values.labels }}{{ toYaml . }}'
               '{{ end }}tier: {{ .tier }}{{- end }}'
               '{{- define "name" -}}{{ .Values.nameOverride | default .Chart.Name }}{{- end }}'
               '{{- define "image" -}}{{ .repository }}:{{ .tag }}{{- end }}'
               '{{ .Values.partialTopLevel }}')
    r = scan('{{ include "labels" (dict "root" $ "tier" .Values.tier) }}{{ include "image" .Values.image }}'
             '{{ include "image" .Values.sidecar.image }}', files=[helpers])
    assert reached(r, "labels.x", "nameOverride", "tier", "image.repository", "image.tag",
                   "sidecar.image.tag") == [True] * 6
    assert reached(r, "partialTopLevel", "image.pullPolicy") == [False, False]


def test_a_computed_template_name_runs_every_define():
    r = scan('{{ include (printf "%s.x" .Chart.Name) .Values.cfg }}'
             '{{ define "a.x" }}{{ .one }}{{ end }}{{ define "b.x" }}{{ .two }}{{ end }}')
    assert reached(r, "cfg.one", "cfg.two") == [True, True]
    assert reached(r, "cfg.three") == [False]


def test_the_checksum_idiom_runs_template_files_not_every_define():
    files = [("templates/cm.yaml", "data: {{ .Values.cm.data }}"),
             ("templates/_helpers.tpl", '{{ define "dump" }}{{ toYaml . }}{{ end }}')]
    r = scan('checksum: {{ include (print $.Template.BasePath "/cm.yaml") . | sha256sum }}'
             '{{ include (printf "%s/cm.yaml" .Template.BasePath) (dict "Values" .Values.sub) }}', files=files)
    assert reached(r, "cm.data", "sub.cm.data") == [True, True]
    assert opened(r, "anything") == [False]


def test_merge_into_a_new_dict_keeps_tracking_but_into_a_shared_one_opens():
    r = scan('{{ include "t" (merge (dict "v" .Values.a) (dict "w" .Values.b)) }}'
             '{{ define "t" }}{{ .v.x }}{{ .w.y }}{{ end }}'
             '{{ $d := dict }}{{ $_ := merge $d .Values.m }}{{ $d.k }}')
    assert reached(r, "a.x", "b.y") == [True, True]
    assert reached(r, "a.other") == [False]
    assert opened(r, "m.k.anything") == [True]


def test_recursive_templates_end():
    r = scan('{{ include "walk" .Values.tree }}'
             '{{ define "walk" }}{{ .name }}{{ range .children }}{{ include "walk" . }}{{ end }}{{ end }}')
    assert reached(r, "tree.name", "tree.children.x.name", "tree.children.x.children.y.name") == [True] * 3


def test_deep_recursion_through_new_contexts_is_capped_and_opened():
    r = scan('{{ include "down" .Values.a }}{{ define "down" }}{{ include "down" .next }}{{ end }}',
             limits=ScanLimits(max_call_depth=5))
    assert opened(r, "a.next.next.next.next.next.anything") == [True]


def test_tpl_follows_the_values_own_templates():
    chart_values = {"extra": "port: {{ .Values.fromDefaults }}", "plain": "no template"}
    r = scan("{{ tpl .Values.extra $ }}{{ tpl (toYaml .Values.annotations) . }}", values=chart_values,
             extra_texts=["{{ .Values.fromProfile.x }}", "{{ broken"])
    assert r.tpl_roots == {()}
    assert opened(r, "extra", "annotations.k") == [True, True]
    assert reached(r, "fromDefaults", "fromProfile.x") == [True, True]
    assert reached(r, "fromProfile.y") == [False]


def test_tpl_with_a_values_context_opens_it():
    r = scan("{{ tpl .Values.t .Values.ctx }}")
    assert r.tpl_roots == frozenset() and opened(r, "ctx.x") == [True]


def test_comments_strings_and_text_are_not_reads():
    r = scan('# .Values.inText {{/* {{ .Values.inComment }} */}}{{ "{{ .Values.inString }}" }}'
             '{{ `{{ .Values.inRaw }}` }}{{ .Values.real }}')
    assert reached(r, "inText", "inComment", "inString", "inRaw", "real") == [False] * 4 + [True]


def test_subcharts_read_under_every_alias_and_global():
    sub = _chart("{{ .Values.port }}{{ .Values.global.domain }}{{ with .Values.auth }}{{ .password }}{{ end }}",
                 name="cache")
    declared = (Dependency("cache", "0.1.0", alias="redis", condition="redis.enabled,cache.enabled", tags=("db",)),
                Dependency("cache", "0.1.0", alias="sessions"))
    top = _chart("{{ .Values.redis.port }}{{ .Subcharts.redis.Values.extra }}", dependencies=(sub,), declared=declared)
    r = scan_templates(top)
    assert r.complete
    assert reached(r, "redis.port", "sessions.port", "redis.auth.password", "sessions.auth.password",
                   "global.domain", "redis.global.domain", "redis.enabled", "cache.enabled", "tags.db",
                   "redis.extra") == [True] * 10
    assert reached(r, "cache.port", "port", "redis.auth.user") == [False] * 3


def test_a_nested_subchart_sees_global_from_every_chart_above():
    leaf = _chart("{{ .Values.global.domain }}", name="leaf")
    middle = _chart("x", name="middle", dependencies=(leaf,))
    r = scan_templates(_chart("x", dependencies=(middle,)))
    assert reached(r, "global.domain", "middle.global.domain", "middle.leaf.global.domain") == [True] * 3
    assert reached(r, "middle.leaf.domain") == [False]


def test_an_undeclared_subchart_reads_under_its_name():
    sub = _chart("{{ .Values.port }}", name="cache")
    r = scan_templates(_chart("x", dependencies=(sub,)))
    assert reached(r, "cache.port") == [True]


def test_the_shop_chart():
    r = scan_templates(load_chart(SHOP))
    assert r.complete, r.problems
    assert reached(r, "serviceMonitor.enabled", "serviceMonitor.relabelings.0.action", "service.annotations.a",
                   "service.nodePort", "env.FOO.value", "redis.auth.password", "redis.port", "global.clusterDomain",
                   "cloud.zones.0.name", "probes.liveness.x", "commonLabels.team", "tier", "debug.quiet") == [True] * 13
    assert reached(r, "serviceMonitorEnabled", "serviceMonitor.intervall", "env.FOO.valueFrom", "legacyMode",
                   "neverRead", "commentedOut", "partialTopLevel", "redis.auth.user") == [False] * 8
    assert r.tpl_roots == {()}


def test_paths_for_suggestions_stop_at_any():
    r = scan("{{ range .Values.hosts }}{{ .host }}{{ end }}{{ .Values.a.b }}")
    assert set(r.paths()) == {("hosts",), ("a",), ("a", "b")}


@pytest.mark.parametrize("templates, problem", [
    (["{{ .Values.a "], "unclosed action"),
    (["{{/* open"], "unclosed comment"),
    (["{{ end }}"], "unexpected {{end}}"),
    (["{{ if .Values.a }}"], "unexpected EOF"),
    (["{{ else }}"], "unexpected {{else}}"),
    (["{{ $nope.a }}"], "undefined variable $nope"),
    (["{{ }}"], "missing value for command"),
    (["{{ .a | }}"], "missing value for command"),
    (["{{ define x }}{{ end }}"], "needs a constant template name"),
    (["{{ if if }}{{ end }}"], "unexpected if"),
])
def test_templates_helm_would_refuse_give_an_incomplete_result(templates, problem):
    result = scan_templates(_chart(*templates))
    assert not result.complete
    assert problem in result.problems[0]


def test_a_bare_values_file_has_no_templates():
    result = scan_templates(chart_from_values({"a": 1}))
    assert not result.complete and result.problems == ("the chart's templates are not known",)


def _timed(chart, **kwargs):
    started = time.perf_counter()
    result = scan_templates(chart, **kwargs)
    return result, time.perf_counter() - started


@pytest.mark.parametrize("text, complete", [
    ("{{" * 500_000, False),                                       # 1 MB of {{
    ("{{ " + "(" * 5_000 + ".Values.a" + ")" * 5_000 + " }}", False),  # parentheses deeper than the bound
    ("{{ " + "(" * 500 + ".Values.a" + ")" * 500 + " }}", True),        # deep but allowed: no recursion
    ("{{ .Values" + ".a" * 50_000 + " }}", True),                  # a very long field chain
    ("{{ .Values.a }}" * 70_000, True),                            # 1 MB of actions
    ("{{ if .Values.a }}" * 50_000, False),                        # unterminated blocks
    ('{{ "' * 200_000, False),                                     # unterminated strings
])
def test_hostile_templates_are_bounded(text, complete):
    result, elapsed = _timed(_chart(text))
    assert result.complete is complete
    assert elapsed < 20


def test_the_long_chain_is_cut_and_opened():
    result = scan_templates(_chart("{{ .Values" + ".a" * 1_000 + " }}"))
    assert result.complete and result.is_open(("a",) * 2_000)
    assert max(len(p) for p in result.reads) <= ScanLimits().max_path_length


def test_exponential_contexts_stay_bounded():
    # Each define calls the next twice with a bigger dict: without bounds the contexts would double each level.
    defines = "".join(f'{{{{ define "d{i}" }}}}{{{{ include "d{i + 1}" (dict "a" . "b" .) }}}}'
                      f'{{{{ include "d{i + 1}" (dict "c" . "d" .Values) }}}}{{{{ end }}}}' for i in range(40))
    result, elapsed = _timed(_chart('{{ include "d0" (dict "Values" .Values.x) }}' + defines))
    assert elapsed < 20
    assert not result.complete or result.is_open(("x",)) or result.reaches(("x",))


def test_a_template_followed_with_too_many_contexts_opens_the_rest():
    defines = "".join(f'{{{{ define "d{i}" }}}}{{{{ .v{i} }}}}{{{{ end }}}}' for i in range(40))
    calls = "".join(f'{{{{ include (print "d" {i}) .Values.c{i} }}}}' for i in range(40))
    result, elapsed = _timed(_chart(calls + defines), limits=ScanLimits(max_contexts_per_template=8))
    assert elapsed < 20 and result.complete
    assert result.reaches(("c0", "v39")) and result.reaches(("c7", "v0")) and not result.reaches(("c0", "other"))
    assert result.is_open(("c8", "other")) and result.is_open(("c39", "other"))


def test_the_work_budget_makes_the_result_incomplete():
    result = scan_templates(_chart("{{ .Values.a }}" * 1_000), limits=ScanLimits(max_work=500))
    assert not result.complete and "more work" in result.problems[0]


def test_deep_nesting_costs_the_same_per_action():
    text = "{{ $v := .Values.a }}" + "{{ with .Values.b }}{{ $w := .c }}" * 10_000 + "{{ $v.x }}" \
        + "{{ else }}{{ $v.y }}{{ end }}" * 10_000
    result, elapsed = _timed(_chart(text))
    assert result.complete and elapsed < 20
    assert result.reaches(("a", "x")) and result.reaches(("a", "y"))


def test_many_subchart_positions_are_bounded():
    leaf = _chart("{{ .Values.x }}", name="leaf")
    chart = leaf
    for level in range(12):  # every level declares the one below under two aliases: 2**12 positions
        chart = _chart("{{ .Values.y }}", name=f"c{level}", dependencies=(chart,),
                       declared=(Dependency(chart.name, alias="one"), Dependency(chart.name, alias="two")))
    result, elapsed = _timed(chart)
    assert not result.complete and "positions" in result.problems[0]
    assert elapsed < 20


def test_charts_loaded_from_disk_keep_their_templates(tmp_path):
    chart = load_chart(SHOP)
    names = [name for name, _text in chart.templates or ()]
    assert names == ["templates/_helpers.tpl", "templates/deployment.yaml", "templates/service.yaml",
                     "templates/servicemonitor.yaml"]
    assert [name for name, _text in chart.dependencies[0].templates or ()] == ["templates/statefulset.yaml"]
    assert chart_from_values({"a": 1}).templates is None


@pytest.mark.parametrize("chart", ["hello-chart", "edge-package/charts/web-app", "edge-package/charts/vm-ephemeral",
                                   "edge-package/charts/vm-pv"])
def test_the_example_charts_are_followed_completely(chart):
    result = scan_templates(load_chart(ROOT / "examples" / chart))
    assert result.complete and result.problems == ()
    assert not result.is_open(())


def test_the_hello_chart_reads():
    result = scan_templates(load_chart(ROOT / "examples" / "hello-chart"))
    assert reached(result, "replicaCount", "image.repository", "image.tag", "imagePullSecrets.0.name",
                   "resources.limits.cpu", "service.port") == [True] * 6
    assert reached(result, "image.digest", "service.type", "nodeSelector") == [False] * 3

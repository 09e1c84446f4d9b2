{{/* Partials: only their defines run. {{ .Values.neverRead }} is a comment. */}}
{{- define "shop.fullname" -}}
{{- if .Values.fullnameOverride }}{{ .Values.fullnameOverride | trunc 63 }}{{ else }}{{ .Release.Name }}-shop{{ end }}
{{- end }}

{{- define "shop.labels" -}}
app: {{ include "shop.fullname" .root }}
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
tier: {{ .tier | default "web" }}
{{- end }}

{{- define "shop.image" -}}
{{ .repository }}:{{ .tag | default "latest" }}
{{- end }}

{{- define "shop.port" -}}
{{- $svc := .service -}}
{{ $svc.port }}
{{- end }}

{{- define "shop.recursive" -}}
{{- if .next }}{{ include "shop.recursive" .next }}{{ end }}
{{- end }}
{{ .Values.partialTopLevel }}

{{/* The release's name for every object: "<release>-compose-operator", or the release name
when it already says compose-operator; 63 characters at most (a DNS label). */}}
{{- define "compose-operator.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "compose-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "compose-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "compose-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "compose-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "compose-operator.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "compose-operator.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* The rules of the operator's own access, derived from the code (operator/stack,
operator/apply): what it caches (list, watch), reads on demand (get), applies server-side
(patch; and create, as which the API server also authorizes an apply that creates) and prunes (delete). No wildcards. */}}
{{- define "compose-operator.rules" -}}
# ComposeStacks: read from the informer only (list, watch); the status is written by
# server-side apply of the status subresource.
- apiGroups: [compose.operator.dev]
  resources: [composestacks]
  verbs: [list, watch]
- apiGroups: [compose.operator.dev]
  resources: [composestacks/status]
  verbs: [patch]
# Children carry ownerReferences with blockOwnerDeletion: where the
# OwnerReferencesPermissionEnforcement admission plugin runs, that needs update on finalizers.
- apiGroups: [compose.operator.dev]
  resources: [composestacks/finalizers]
  verbs: [update]
# The kinds the translator makes (operator/stack/stack_caches.cc kManagedKinds): cached,
# read by name when a name may belong to someone else, applied, pruned. Secrets and
# ConfigMaps are also the stacks' inputs (variablesFrom, files, composeFrom), read by get.
- apiGroups: [""]
  resources: [serviceaccounts, secrets, configmaps, persistentvolumeclaims, services]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [apps]
  resources: [deployments, statefulsets, daemonsets]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [batch]
  resources: [jobs]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [networking.k8s.io]
  resources: [networkpolicies]
  verbs: [get, list, watch, create, patch, delete]
# The stacks' pods: read only, for the per-service status (why a pod fails).
- apiGroups: [""]
  resources: [pods]
  verbs: [list, watch]
# One Event per change of a stack's state (operator/stack/event_recorder.cc).
- apiGroups: [events.k8s.io]
  resources: [events]
  verbs: [create]
{{- end -}}

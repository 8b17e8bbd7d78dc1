using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MonitorApp.Kernel;

/// <summary>
/// Reads an ingestion body by hand rather than through parameter binding, so that every way a body
/// can be wrong (too large, not JSON, an unknown field) becomes a ProblemDetails naming the field.
/// </summary>
public static class JsonBody
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNameCaseInsensitive = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength > maxBytes)
            return (null, TooLarge(maxBytes));
        if (!request.HasJsonContentType())
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type", detail: "Send the body as 'Content-Type: application/json'."));

        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
            sizeFeature.MaxRequestBodySize = maxBytes;

        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, cancellationToken);
            return value is null
                ? (null, Invalid("$", "the body must be a JSON object."))
                : (value, null);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(maxBytes));
        }
        catch (JsonException ex)
        {
            var path = string.IsNullOrEmpty(ex.Path) ? "$" : ex.Path;
            var reason = IsUnknownProperty(path, typeof(T))
                ? "is not a known property: only the documented fields are accepted (MonitorApp stores no personal data)."
                : "is not valid here: " + FirstSentence(ex.Message);
            return (null, Invalid(path, reason));
        }
    }

    /// <summary>
    /// True when the path (<c>$.events[3].email</c>) ends in a property that the object it stands in does
    /// not declare: the path is followed through the body's type, property by property.
    /// </summary>
    private static bool IsUnknownProperty(string path, Type body)
    {
        var type = body;
        var segments = path.Split('.', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList(); // past the "$"
        for (var i = 0; i < segments.Count; i++)
        {
            var name = segments[i];
            var index = name.IndexOf('[');
            var property = index < 0 ? name : name[..index];
            var info = Options.GetTypeInfo(type);
            if (info.Kind != JsonTypeInfoKind.Object)
                return false;
            var declared = info.Properties.FirstOrDefault(p => p.Name == property);
            if (declared is null)
                return i == segments.Count - 1;
            type = declared.PropertyType;
            // "events[3]": step into the element type once per index.
            for (var brackets = name.Count(c => c == '['); brackets > 0; brackets--)
            {
                if (Options.GetTypeInfo(type).ElementType is not { } element)
                    return false;
                type = element;
            }
        }
        return false;
    }

    private static ProblemHttpResult Invalid(string path, string reason)
    {
        var key = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
        return TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [key] = [reason] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request body is not valid JSON for this endpoint; nothing was stored.",
        });
    }

    private static ProblemHttpResult TooLarge(long maxBytes) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large",
        detail: $"The body may be at most {maxBytes / 1024 / 1024} MB; send smaller batches.");

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}

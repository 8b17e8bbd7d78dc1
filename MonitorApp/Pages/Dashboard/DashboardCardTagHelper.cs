using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace MonitorApp.Pages.Dashboard;

/// <summary>
/// <c>&lt;dashboard-card id title size&gt;</c>: a card's frame — a labelled section with its heading —
/// marked for an out-of-band swap when it is part of a refresh rather than the first render (<see cref="OobKey"/> in the view
/// data, which the page sets for a refresh: no card model carries how it is delivered).
/// </summary>
[HtmlTargetElement("dashboard-card")]
public sealed class DashboardCardTagHelper : TagHelper
{
    public string Id { get; set; } = "";
    public string Title { get; set; } = "";
    /// <summary>The view data key that is true while rendering a refresh.</summary>
    public const string OobKey = "dashboard-oob";

    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;
    /// <summary>Null for a one-column card; "half", "wide" (the whole row) or "headline" (the verdict, first and large).</summary>
    public string? Size { get; set; }

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        output.TagName = "section";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("id", Id);
        output.Attributes.SetAttribute("class", Size is null ? "card" : $"card card-{Size}");
        output.Attributes.SetAttribute("aria-labelledby", $"{Id}-title");
        if (ViewContext.ViewData[OobKey] is true)
            output.Attributes.SetAttribute("hx-swap-oob", "true");
        var html = HtmlEncoder.Default;
        output.PreContent.SetHtmlContent($"<h2 id=\"{html.Encode(Id)}-title\">{html.Encode(Title)}</h2>");
    }
}
